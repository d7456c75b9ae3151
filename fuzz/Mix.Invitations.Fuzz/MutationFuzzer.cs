using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Fuzz;

/// <summary>
/// A coverage-less mutation fuzzer that runs in process: for machines without libfuzzer-dotnet, and as a second
/// opinion beside it. It mutates inputs of the corpus (bit flips, byte changes, inserts, deletes, duplicated ranges,
/// dictionary words, splices), and keeps an input as "interesting" when the target reports an outcome signature not
/// seen before — a coarse stand-in for coverage. An input that makes the target throw is saved under
/// <c>fuzz/findings/&lt;target&gt;/</c> and reported; so is an input slower than the time limit (issue 14: a reader
/// quadratic in its input is a finding), saved as <c>slow-…</c>.
/// </summary>
internal sealed class MutationFuzzer(string name, FuzzTarget target, string corpusDirectory, int seed, double maxMilliseconds = MutationFuzzer.DefaultMaxMilliseconds, int maxInputLength = MutationFuzzer.DefaultMaxInputLength)
{
    /// <summary>
    /// The default per-input time limit. Every target takes well under a millisecond on ordinary input and a few on the
    /// worst 16 KiB ones; the quadratic readers of issue 14 took seconds.
    /// </summary>
    public const double DefaultMaxMilliseconds = 100;

    /// <summary>The default longest input: the XML readers' default size limit, where issue 14's attack lived.</summary>
    public const int DefaultMaxInputLength = 16 * 1024;

    /// <summary>At most this many inputs are added to the corpus in one run, whatever the signatures say.</summary>
    private const int MaxNewInputs = 200;

    private readonly Random _random = new(seed);
    private readonly List<byte[]> _pool = [];
    private readonly HashSet<string> _signatures = new(StringComparer.Ordinal);
    private readonly byte[][] _dictionary = [.. Dictionaries.For(name).Select(Encoding.UTF8.GetBytes)];

    public int Run(TimeSpan duration)
    {
        Directory.CreateDirectory(corpusDirectory);
        foreach (var file in Directory.EnumerateFiles(corpusDirectory).Order(StringComparer.Ordinal))
        {
            var input = File.ReadAllBytes(file);
            _pool.Add(input);
            if (TryRun(input, out var signature))
            {
                _signatures.Add(signature);
            }
        }

        if (_pool.Count == 0)
        {
            _pool.Add([]);
        }

        var initial = _pool.Count;
        Console.WriteLine($"{name}: seed {seed}, {initial} corpus inputs, {_signatures.Count} outcome signatures; running {duration.TotalSeconds:0} s, inputs up to {maxInputLength} bytes, {maxMilliseconds} ms each");
        var clock = Stopwatch.StartNew();
        long executions = 0;
        var crashes = 0;
        var next = TimeSpan.FromSeconds(30);
        while (clock.Elapsed < duration)
        {
            var input = Mutate(_pool[_random.Next(_pool.Count)]);
            executions++;
            if (!TryRun(input, out var signature))
            {
                crashes++;
                continue;
            }

            if (_pool.Count - initial < MaxNewInputs && _signatures.Add(signature))
            {
                _pool.Add(input);
                File.WriteAllBytes(Path.Combine(corpusDirectory, Name(input)), input);
            }

            if (clock.Elapsed > next)
            {
                next += TimeSpan.FromSeconds(30);
                Console.WriteLine($"{name}: {executions} executions, {executions / clock.Elapsed.TotalSeconds:0}/s, {_pool.Count - initial} new inputs, {crashes} failures");
            }
        }

        Console.WriteLine($"{name}: done: {executions} executions in {clock.Elapsed.TotalSeconds:0} s ({executions / clock.Elapsed.TotalSeconds:0}/s), {_pool.Count - initial} new inputs kept, {crashes} failures");
        return crashes == 0 ? 0 : 1;
    }

    private static string Name(byte[] input) => Convert.ToHexStringLower(SHA256.HashData(input))[..40];

    private bool TryRun(byte[] input, out string signature)
    {
        try
        {
            var start = Stopwatch.GetTimestamp();
            signature = target(input);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (elapsed > maxMilliseconds)
            {
                // Once more, so that a garbage collection or a burst of load elsewhere is not taken for a slow reader.
                start = Stopwatch.GetTimestamp();
                target(input);
                elapsed = Math.Min(elapsed, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (elapsed > maxMilliseconds)
                {
                    var path = SaveFinding("slow-", input);
                    Console.WriteLine($"{name}: FAILURE slow input: {elapsed:0} ms, over the limit of {maxMilliseconds} ms (input saved to {path})");
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var path = SaveFinding("crash-", input);
            Console.WriteLine($"{name}: FAILURE {ex.GetType().Name}: {ex.Message} (input saved to {path})");
            signature = string.Empty;
            return false;
        }
    }

    private string SaveFinding(string prefix, byte[] input)
    {
        var findings = Path.Combine(corpusDirectory, "..", "..", "findings", name);
        Directory.CreateDirectory(findings);
        var path = Path.Combine(findings, prefix + Name(input));
        File.WriteAllBytes(path, input);
        return path;
    }

    private byte[] Mutate(byte[] parent)
    {
        var data = new List<byte>(parent);
        var rounds = 1 + _random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            switch (_random.Next(10))
            {
                case 8 when data.Count > 0:
                    // A short range repeated many times: the shape of the inputs that were quadratic (issue 14).
                    var unitStart = _random.Next(data.Count);
                    var unit = data.GetRange(unitStart, 1 + _random.Next(Math.Min(8, data.Count - unitStart)));
                    var times = 2 + _random.Next(Math.Max(1, (maxInputLength - data.Count) / unit.Count));
                    var repeated = new List<byte>(unit.Count * times);
                    for (var t = 0; t < times; t++)
                    {
                        repeated.AddRange(unit);
                    }

                    data.InsertRange(unitStart, repeated);
                    break;
                case 0 when data.Count > 0:
                    data[_random.Next(data.Count)] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[_random.Next(data.Count)] = (byte)_random.Next(256);
                    break;
                case 2:
                    data.Insert(_random.Next(data.Count + 1), Interesting());
                    break;
                case 3 when data.Count > 0:
                    var start = _random.Next(data.Count);
                    data.RemoveRange(start, 1 + _random.Next(Math.Min(16, data.Count - start)));
                    break;
                case 4 when data.Count > 0:
                    var from = _random.Next(data.Count);
                    var length = 1 + _random.Next(Math.Min(32, data.Count - from));
                    data.InsertRange(_random.Next(data.Count + 1), data.GetRange(from, length));
                    break;
                case 5 or 6:
                    data.InsertRange(_random.Next(data.Count + 1), _dictionary[_random.Next(_dictionary.Length)]);
                    break;
                case 7:
                    var other = _pool[_random.Next(_pool.Count)];
                    if (other.Length > 0)
                    {
                        var cut = _random.Next(data.Count + 1);
                        data.RemoveRange(cut, data.Count - cut);
                        data.AddRange(other.AsSpan(_random.Next(other.Length)).ToArray());
                    }

                    break;
                default:
                    if (data.Count > 0)
                    {
                        data.RemoveRange(_random.Next(data.Count), 1);
                    }

                    break;
            }
        }

        return data.Count > maxInputLength ? [.. data.GetRange(0, maxInputLength)] : [.. data];
    }

    private byte Interesting() => _random.Next(6) switch
    {
        0 => 0x00,
        1 => 0xFF,
        2 => (byte)(0x80 + _random.Next(64)),
        3 => (byte)"<>&;'\"=/:@?#%"[_random.Next(13)],
        4 => (byte)_random.Next(32),
        _ => (byte)_random.Next(256),
    };
}
