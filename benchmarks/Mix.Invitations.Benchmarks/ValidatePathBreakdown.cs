using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Where validation spends its time beyond the HMAC floor: the pieces of the cached-key path, each measured alone,
/// restated from the library's internals (which stay internal) or called through its public API.
/// </summary>
/// <remarks>Diagnostic rows for docs/benchmarks.md's profile; no target applies to them.</remarks>
[MemoryDiagnoser]
public class ValidatePathBreakdown
{
    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly ConcurrentDictionary<(int KeyId, string Channel), object> _cache = new();
    private readonly object?[] _pool = new object?[2];
    private long _clock;
    private string _token = null!;
    private string _channelText = null!;
    private IncrementalHash _hmac = null!;
    private byte[] _macInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var service = Fixture.Service();
        _token = service.Issue(Fixture.Request()).Token;
        _channelText = Fixture.Channel.ToString();
        _cache[(Fixture.KeyId, _channelText)] = new object();
        _pool[0] = new object();
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, new byte[32]);
        _macInput = new byte[36 + 12 + Fixture.Canonical().Length];
    }

    [GlobalCleanup]
    public void Cleanup() => _hmac.Dispose();

    /// <summary>The library's canonical form before this change: GetByteCount, a 1 KiB stack buffer, then TryWrite.</summary>
    [Benchmark(Description = "canonical form: count + write (before)")]
    public int CanonicalCountThenWrite()
    {
        var length = InvitationCanonicalForm.GetByteCount(Fixture.Channel, Fixture.Inviter, Fixture.Invitee);
        Span<byte> buffer = stackalloc byte[1024];
        InvitationCanonicalForm.TryWrite(Fixture.Channel, Fixture.Inviter, Fixture.Invitee, buffer, out var written);
        return length + written;
    }

    /// <summary>One pass: TryWrite into the stack buffer, counting only when it does not fit (the library now).</summary>
    [Benchmark(Description = "canonical form: write only (now)")]
    public int CanonicalWriteOnly()
    {
        Span<byte> buffer = stackalloc byte[1024];
        InvitationCanonicalForm.TryWrite(Fixture.Channel, Fixture.Inviter, Fixture.Invitee, buffer, out var written);
        return written;
    }

    /// <summary>The strict decode of TokenCodec.TryDecode: alphabet check, decode, re-encode and compare (one spelling per token).</summary>
    [Benchmark(Description = "token decode, strict (alphabet + decode + re-encode)")]
    public int DecodeStrict()
    {
        Span<byte> bytes = stackalloc byte[48];
        if (_token.AsSpan().ContainsAnyExcept(Base64UrlAlphabet))
        {
            return -1;
        }

        Base64Url.DecodeFromChars(_token, bytes, out _, out var written);
        Span<char> again = stackalloc char[64];
        Base64Url.TryEncodeToChars(bytes[..written], again, out var chars);
        return again[..chars].SequenceEqual(_token) ? written : -1;
    }

    /// <summary>F1's decode alone, for comparison with the strict one.</summary>
    [Benchmark(Description = "token decode, plain (F1's)")]
    public int DecodePlain()
    {
        Span<byte> bytes = stackalloc byte[48];
        Base64Url.DecodeFromChars(_token, bytes, out _, out var written);
        return written;
    }

    /// <summary>ChannelKeyCache.Get and Entry.Rent/Return: a clock increment, a (key id, channel) lookup, a use stamp, two pool exchanges.</summary>
    [Benchmark(Description = "key cache: lookup + stamp + rent/return")]
    public object CacheHit()
    {
        var stamp = Interlocked.Increment(ref _clock);
        _cache.TryGetValue((Fixture.KeyId, _channelText), out var entry);
        Volatile.Write(ref _clock, stamp);
        var state = Interlocked.Exchange(ref _pool[0], null)!;
        Interlocked.CompareExchange(ref _pool[0], state, null);
        return entry!;
    }

    /// <summary>Three AppendData calls (label, header, canonical) and GetHashAndReset: the library's MAC before this change.</summary>
    [Benchmark(Description = "HMAC, 3 appends (before)")]
    public int Hmac3Appends()
    {
        Span<byte> tag = stackalloc byte[32];
        _hmac.AppendData(_macInput.AsSpan(0, 36));
        _hmac.AppendData(_macInput.AsSpan(36, 12));
        _hmac.AppendData(_macInput.AsSpan(48));
        return _hmac.GetHashAndReset(tag);
    }

    /// <summary>One AppendData over the assembled input: the library's MAC now.</summary>
    [Benchmark(Description = "HMAC, 1 append (now)")]
    public int Hmac1Append()
    {
        Span<byte> tag = stackalloc byte[32];
        _hmac.AppendData(_macInput);
        return _hmac.GetHashAndReset(tag);
    }

    /// <summary>The fixed cost of one OpenSSL digest, whatever the input: SHA-256 of nothing.</summary>
    [Benchmark(Description = "SHA256.HashData(empty)")]
    public int Sha256Empty()
    {
        Span<byte> hash = stackalloc byte[32];
        return SHA256.HashData(ReadOnlySpan<byte>.Empty, hash);
    }

    [Benchmark(Description = "TimeProvider.System.GetUtcNow()")]
    public DateTimeOffset Clock() => TimeProvider.System.GetUtcNow();
}
