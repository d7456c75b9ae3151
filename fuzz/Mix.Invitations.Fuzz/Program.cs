using System.Globalization;
using Mix.Invitations.Fuzz;
using SharpFuzz;

// Usage (see fuzz/README.md):
//   Mix.Invitations.Fuzz libfuzzer <target>                       run under libfuzzer-dotnet (coverage from SharpFuzz instrumentation);
//   Mix.Invitations.Fuzz libfuzzer-<target>                        the same as one argument, for libfuzzer-dotnet's --target_arg
//   Mix.Invitations.Fuzz mutate <target> <corpus dir> [seconds] [seed] [--max-ms N] [--max-len N]
//                                                                  coverage-less mutation driver, in process; an input
//                                                                  slower than N ms (default 100) is a finding
//   Mix.Invitations.Fuzz cost-seeds <corpus root>                  write only the worst inputs of issue 14 (cost-*)
//   Mix.Invitations.Fuzz replay <target> <dir or file>...          run every input once, report any failure
//   Mix.Invitations.Fuzz seed <corpus root>                        write the starting inputs of every target
// Targets: token, invitation, uri.
// libfuzzer-dotnet passes a single --target_arg as is; its --target_args list form overruns a buffer on long lists.
if (args.Length == 1 && args[0].StartsWith("libfuzzer-", StringComparison.Ordinal))
{
    args = ["libfuzzer", args[0]["libfuzzer-".Length..]];
}

if (args.Length < 2)
{
    return Usage();
}

switch (args[0])
{
    case "libfuzzer":
        // Nothing instrumented may run before Run sets up the shared coverage map, so the target is chosen without
        // touching FuzzTargets' static state (which parses JIDs and issues tokens): that happens on the first input.
        FuzzTarget? chosen = args[1] switch
        {
            "token" => FuzzTargets.Token,
            "invitation" => FuzzTargets.InvitationReader,
            "uri" => FuzzTargets.Uri,
            _ => null,
        };
        if (chosen is null)
        {
            return Usage();
        }

        Fuzzer.LibFuzzer.Run(span => chosen(span));
        return 0;
    case "mutate" when args.Length >= 3 && FuzzTargets.All.TryGetValue(args[1], out var target):
        var positional = new List<string>();
        var maxMilliseconds = MutationFuzzer.DefaultMaxMilliseconds;
        var maxLength = MutationFuzzer.DefaultMaxInputLength;
        for (var i = 3; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--max-ms" when i + 1 < args.Length:
                    maxMilliseconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--max-len" when i + 1 < args.Length:
                    maxLength = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        var seconds = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 60;
        var seed = positional.Count > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : Environment.TickCount;
        return new MutationFuzzer(args[1], target, args[2], seed, maxMilliseconds, maxLength).Run(TimeSpan.FromSeconds(seconds));
    case "cost-seeds":
        Seeds.WriteCostInputs(args[1]);
        return 0;
    case "replay" when FuzzTargets.All.TryGetValue(args[1], out var target):
        return Replay(target, args[2..]);
    case "seed":
        Seeds.Write(args[1]);
        return 0;
    default:
        return Usage();
}

static int Replay(FuzzTarget target, string[] paths)
{
    var failures = 0;
    var count = 0;
    foreach (var file in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]))
    {
        count++;
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failures++;
            Console.WriteLine($"{file}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    Console.WriteLine($"{count} inputs, {failures} failures");
    return failures == 0 ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Mix.Invitations.Fuzz libfuzzer|mutate|replay <token|invitation|uri> … | seed|cost-seeds <corpus root>");
    return 2;
}
