using System.Diagnostics;
using System.Globalization;
using Mix.Invitations.Tests.Shared;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// Measures how the cost of an operation grows with its input, in work done rather than in time taken: the calling
/// thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), which does not count the time the thread waits while
/// other processes run. Used by Security/CostTests.cs to check that every reader of untrusted input is linear.
/// </summary>
/// <remarks>
/// <para>
/// No absolute time is ever asserted: only the ratio of the costs at two sizes of the same family, measured in the
/// same process, interleaved, after a warm-up that lasts until the costs stop falling (so the tiered JIT's promotion
/// to optimised code is behind both), in rounds that each measure both sizes back to back, each run long enough to be
/// far above the clock's resolution. The ratio is the lower of the ratio of each side's best run and the median of the
/// rounds' ratios (see <see cref="Scaling.Ratio"/>); a ratio over the limit is measured again, up to four times, half
/// a second apart, so a burst of load elsewhere passes.
/// </para>
/// <para>
/// Off Linux the thread CPU clock is not read (the tests skip instead of measuring wall-clock time).
/// </para>
/// </remarks>
internal static class CpuCost
{
    /// <summary>The largest ratio the cost may grow by when the input doubles: linear is 2, quadratic 4.</summary>
    /// <remarks>
    /// Not 2.5: doubling a 16 KiB input also doubles its footprint past the first-level cache, and with other test
    /// projects running beside these tests (dotnet test runs the projects in parallel) linear readers measured up to
    /// 2.4 alone and 2.6 under that load. On the code before issue 14 the quadratic families measured up to 4.1 here (4.5 in the report), so
    /// 3.0 still tells them apart with room on both sides.
    /// </remarks>
    public const double LinearLimit = 3.0;

    /// <summary>Each run lasts at least this much CPU time.</summary>
    private const long RunNanoseconds = 4_000_000;

    /// <summary>The warm-up lasts at least this much wall time: past the tiered JIT's 100 ms promotion delay.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(150);

    /// <summary>The warm-up lasts at most this much wall time.</summary>
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(3);

    /// <summary>Gets a value indicating whether the thread CPU clock can be read here.</summary>
    public static bool IsSupported => ThreadCpuClock.IsSupported;

    /// <summary>Reads the calling thread's CPU time.</summary>
    public static long ThreadCpuNanoseconds() => ThreadCpuClock.Nanoseconds();

    /// <summary>
    /// Measures <paramref name="small"/> and <paramref name="large"/> (the same family at two sizes) and returns the
    /// cost of one call of each, in CPU nanoseconds, and their ratio.
    /// </summary>
    /// <param name="small">The operation on the smaller input.</param>
    /// <param name="large">The operation on the larger input.</param>
    /// <param name="attempts">
    /// How many times to measure when the ratio comes out above <see cref="LinearLimit"/>: a burst of load that slows
    /// only one side passes, a superlinear cost fails every time.
    /// </param>
    /// <returns>The costs and their ratio; of several attempts, the one with the lowest ratio.</returns>
    public static Scaling Compare(Action small, Action large, int attempts = 4)
    {
        WarmUpBoth(small, large);
        Scaling best = default;
        var tried = new List<double>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var measured = MeasureOnce(small, large);
            tried.Add(measured.Ratio);
            if (attempt == 0 || measured.Ratio < best.Ratio)
            {
                best = measured;
            }

            if (best.Ratio <= LinearLimit)
            {
                break;
            }

            // A burst of load elsewhere can last longer than one attempt: let it pass before measuring again.
            Thread.Sleep(500);
        }

        return best with { Attempts = tried };
    }

    private static void WarmUpBoth(Action small, Action large)
    {
        // At least 30 calls and 150 ms (the tiered JIT promotes a method after 30 calls and 100 ms without new tier-0
        // code), then until the cost of both sides has stopped falling: under load the promotion, compiled on another
        // thread, comes later, and a ratio measured across it compares optimised code with unoptimised code.
        var wall = Stopwatch.StartNew();
        var cpu = ThreadCpuNanoseconds();
        double previousSmall = double.MaxValue, previousLarge = double.MaxValue;
        for (var i = 0; ; i++)
        {
            var smallCost = PerCall(small, 1);
            var largeCost = PerCall(large, 1);

            // Long operations (a quadratic cost on the old code takes seconds) warm up in a few calls.
            var spent = ThreadCpuNanoseconds() - cpu;
            if ((i >= 1 && spent > 1_000_000_000) || wall.Elapsed > MaxWarmUp)
            {
                return;
            }

            if (i >= 30 && wall.Elapsed >= WarmUp)
            {
                // Stable: neither side got more than 5 % cheaper over the last batch of calls.
                smallCost = PerCall(small, Math.Max(1, (int)(2_000_000 / Math.Max(smallCost, 1))));
                largeCost = PerCall(large, Math.Max(1, (int)(2_000_000 / Math.Max(largeCost, 1))));
                if (smallCost > previousSmall * 0.95 && largeCost > previousLarge * 0.95)
                {
                    return;
                }

                previousSmall = smallCost;
                previousLarge = largeCost;
            }
        }
    }

    private static Scaling MeasureOnce(Action small, Action large)
    {
        var smallCalls = CallsPerRun(small);
        var largeCalls = CallsPerRun(large);

        // Fewer rounds when one call alone is long: the old quadratic code takes seconds per call at 16 KiB.
        var rounds = smallCalls == 1 || largeCalls == 1 ? 3 : 9;
        var smallBest = double.MaxValue;
        var largeBest = double.MaxValue;
        var ratios = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            // Each round measures both sides back to back (alternating which goes first), so a change of load on the
            // machine hits both; the median of the rounds' ratios ignores the rounds a burst of load straddled.
            double smallCost, largeCost;
            if (round % 2 == 0)
            {
                smallCost = PerCall(small, smallCalls);
                largeCost = PerCall(large, largeCalls);
            }
            else
            {
                largeCost = PerCall(large, largeCalls);
                smallCost = PerCall(small, smallCalls);
            }

            smallBest = Math.Min(smallBest, smallCost);
            largeBest = Math.Min(largeBest, largeCost);
            ratios[round] = largeCost / smallCost;
        }

        Array.Sort(ratios);
        return new Scaling(smallBest, largeBest) { RoundRatio = ratios[rounds / 2] };
    }

    private static int CallsPerRun(Action operation)
    {
        var one = PerCall(operation, 1);
        return (int)Math.Clamp(Math.Ceiling(RunNanoseconds / Math.Max(one, 1)), 1, 1_000_000);
    }

    private static double PerCall(Action operation, int calls)
    {
        var start = ThreadCpuNanoseconds();
        for (var i = 0; i < calls; i++)
        {
            operation();
        }

        return (double)(ThreadCpuNanoseconds() - start) / calls;
    }

    /// <summary>The cost of one call at each size, in CPU nanoseconds.</summary>
    /// <param name="Small">The cost at the smaller size.</param>
    /// <param name="Large">The cost at the larger size.</param>
    public readonly record struct Scaling(double Small, double Large)
    {
        /// <summary>
        /// Gets how many times the larger input costs the smaller one: the lower of two estimates that noise distorts
        /// differently — the ratio of the best costs (noise only ever adds time, so each side's best run is its cleanest)
        /// and the median of the ratios of rounds that measured both back to back (a change of load hits both sides of a
        /// round). A cost that really grows faster than its input raises both.
        /// </summary>
        public double Ratio => Math.Min(RoundRatio ?? double.MaxValue, Large / Small);

        /// <summary>Gets the median ratio of the rounds.</summary>
        public double? RoundRatio { get; init; }

        /// <summary>Gets the ratio of every attempt made, the first first.</summary>
        public IReadOnlyList<double>? Attempts { get; init; }

        /// <inheritdoc />
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Small / 1000:F1} µs -> {Large / 1000:F1} µs, ratio {Ratio:F2}")
            + (Attempts is { Count: > 1 } ? " (attempts " + string.Join(", ", Attempts.Select(a => a.ToString("F2", CultureInfo.InvariantCulture))) + ")" : string.Empty);
    }
}
