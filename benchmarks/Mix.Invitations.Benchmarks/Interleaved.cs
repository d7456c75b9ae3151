using System.Diagnostics;
using System.Globalization;
using Mix.Invitations.Tests.Shared;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// A noise-robust cross-check of the single-thread ratios: the pairs of a ratio run in alternating short rounds in one
/// process, so a burst of load from other processes hits both sides alike (BenchmarkDotNet runs each row in its own
/// process, one after another, so on a shared machine a ratio can straddle a change of load). Reports the median of
/// the per-round ratios. Time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so time spent descheduled while other
/// processes run does not count. Run with <c>-- --interleaved</c>; not part of the BenchmarkDotNet run.
/// </summary>
internal static class Interleaved
{
    private const int Rounds = 201;
    private const int OperationsPerRound = 2000;

    public static void Run()
    {
        var validation = new ValidationBenchmarks();
        validation.Setup();
        var issue = new IssueBenchmarks();
        issue.Setup();
        var firstSeen = new FirstSeenChannelBenchmarks();
        firstSeen.Setup();
        var narrowing = new NarrowingBenchmarks();
        narrowing.Setup();

        Console.WriteLine($"interleaved, thread CPU time: {Rounds} rounds of {OperationsPerRound} operations per side; median of per-round ratios, median ns per operation");
        Report("validate / F1", () => validation.Validate(), () => validation.F1());
        Report("issue / F1-issue", () => issue.Issue(), () => issue.F1Issue());
        Report("first-seen / F2", () => firstSeen.ValidateFirstSeen(), () => firstSeen.F2());
        Report("JWT validate / validate", () => validation.JwtValidate(), () => validation.Validate());
        Report("DP Unprotect / validate", () => validation.DataProtectionUnprotect(), () => validation.Validate());
        Report("narrowed 1 restriction / validate", () => narrowing.OneRestriction(), () => narrowing.Plain());
        Report("narrowed 3 restrictions / validate", () => narrowing.ThreeRestrictions(), () => narrowing.Plain());
        Report("one role grant / validate", () => narrowing.OneRoleGrant(), () => narrowing.Plain());

        RunJoin();
        validation.Cleanup();
        issue.Cleanup();
        firstSeen.Cleanup();
    }

    /// <summary>Issue 20's ratios: reading the <c>&lt;join/&gt;</c> IQ and validating, against the validation alone.</summary>
    private static void RunJoin()
    {
#if MIX_INVITATIONS_XML
        var xml = new XmlBenchmarks();
        xml.Setup();
        Report("join from string / validate", () => xml.ReadStringAndValidate(), () => xml.Validate());
        Report("join from XElement / validate", () => xml.ReadXElementAndValidate(), () => xml.Validate());
#endif
    }

#if MIX_INVITATIONS_XML
    /// <summary>
    /// Issue 14's ratios, worst 16 KiB input / plain 16 KiB input per reader (<see cref="CostBenchmarks"/>), measured
    /// the same way: <c>-- --interleaved-cost</c>. A round is a few milliseconds of each side (one call of the worst
    /// input is up to half a millisecond).
    /// </summary>
    public static void RunCost()
    {
        Console.WriteLine("interleaved, thread CPU time: 41 rounds of >= 5 ms per side; median of per-round ratios, median us per operation");
        foreach (var reader in typeof(CostBenchmarks).GetProperty(nameof(CostBenchmarks.Reader))!.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.ParamsAttribute), false)
                     .Cast<BenchmarkDotNet.Attributes.ParamsAttribute>().Single().Values.Cast<string>())
        {
            var cost = new CostBenchmarks { Reader = reader };
            cost.Setup();
            Report($"{reader} content", () => cost.Worst(), () => cost.Plain(), rounds: 41, minRoundNanoseconds: 5_000_000);
            Report($"{reader} markup", () => cost.WorstMarkup(), () => cost.Plain(), rounds: 41, minRoundNanoseconds: 5_000_000);
        }
    }
#endif

    private static void Report(string name, Func<object> numerator, Func<object> denominator, int rounds = Rounds, long minRoundNanoseconds = 0)
    {
        // Warm both up before measuring, for at least a second: the tiered JIT promotes hot methods only after 100 ms
        // without new tier-0 activity, and in a background thread, so a fixed count of calls right after the set-up
        // measured the first pair partly in unoptimised code.
        var warmUp = Stopwatch.StartNew();
        var warmUpCalls = minRoundNanoseconds == 0 ? 20_000 : 50;
        for (var i = 0; i < warmUpCalls || warmUp.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            numerator();
            denominator();
        }

        var ratios = new double[rounds];
        var tops = new double[rounds];
        var bottoms = new double[rounds];
        var topCalls = CallsFor(numerator, minRoundNanoseconds);
        var bottomCalls = CallsFor(denominator, minRoundNanoseconds);
        for (var r = 0; r < rounds; r++)
        {
            // Alternate which side goes first, so neither always follows the other.
            double top, bottom;
            if (r % 2 == 0)
            {
                top = Time(numerator, topCalls);
                bottom = Time(denominator, bottomCalls);
            }
            else
            {
                bottom = Time(denominator, bottomCalls);
                top = Time(numerator, topCalls);
            }

            ratios[r] = top / bottom;
            tops[r] = top;
            bottoms[r] = bottom;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {Median(ratios),6:F2}   ({Median(tops),8:F0} ns / {Median(bottoms),8:F0} ns)"));
    }

    private static int CallsFor(Func<object> operation, long minRoundNanoseconds)
    {
        if (minRoundNanoseconds == 0)
        {
            return OperationsPerRound;
        }

        var one = Time(operation, 1);
        return (int)Math.Clamp(Math.Ceiling(minRoundNanoseconds / Math.Max(one, 1)), 1, OperationsPerRound);
    }

    private static double Time(Func<object> operation, int calls)
    {
        var start = ThreadCpuNanoseconds();
        for (var i = 0; i < calls; i++)
        {
            operation();
        }

        return (double)(ThreadCpuNanoseconds() - start) / calls;
    }

    private static long ThreadCpuNanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (long)Stopwatch.GetElapsedTime(0).TotalNanoseconds;
        }

        return ThreadCpuClock.Nanoseconds();
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
