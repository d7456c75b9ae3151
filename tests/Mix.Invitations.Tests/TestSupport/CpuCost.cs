using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// Measures how the cost of an operation grows with its input, in work done rather than in time taken: the calling
/// thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), which does not count the time the thread waits while
/// other processes run. Used by Security/CostTests.cs to check that every reader of untrusted input is linear.
/// </summary>
/// <remarks>
/// <para>
/// No absolute time is ever asserted: only the ratio of the costs at two sizes of the same family, measured in the
/// same process, interleaved, after a warm-up (so the tiered JIT's promotion to optimised code is behind both), as the
/// minimum over several runs (noise from the rest of the machine only ever adds time), each run long enough to be far
/// above the clock's resolution.
/// </para>
/// <para>
/// Off Linux the thread CPU clock is not read (the tests skip instead of measuring wall-clock time).
/// </para>
/// </remarks>
internal static partial class CpuCost
{
    /// <summary>The largest ratio the cost may grow by when the input doubles: linear is 2, quadratic 4.</summary>
    public const double LinearLimit = 2.5;

    private const int ClockThreadCpuTime = 3;

    /// <summary>Each run lasts at least this much CPU time.</summary>
    private const long RunNanoseconds = 4_000_000;

    /// <summary>The warm-up lasts at least this much wall time: past the tiered JIT's 100 ms promotion delay.</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(150);

    /// <summary>Gets a value indicating whether the thread CPU clock can be read here.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Reads the calling thread's CPU time.</summary>
    public static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

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
    public static Scaling Compare(Action small, Action large, int attempts = 3)
    {
        WarmUpBoth(small, large);
        Scaling best = default;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var measured = MeasureOnce(small, large);
            if (attempt == 0 || measured.Ratio < best.Ratio)
            {
                best = measured;
            }

            if (best.Ratio <= LinearLimit)
            {
                break;
            }
        }

        return best;
    }

    private static void WarmUpBoth(Action small, Action large)
    {
        var wall = Stopwatch.StartNew();
        var cpu = ThreadCpuNanoseconds();
        for (var i = 0; ; i++)
        {
            small();
            large();

            // Long operations (a quadratic cost on the old code takes seconds) warm up in a few calls.
            var spent = ThreadCpuNanoseconds() - cpu;
            if ((i >= 1 && spent > 1_000_000_000) || (i >= 30 && wall.Elapsed >= WarmUp))
            {
                return;
            }
        }
    }

    private static Scaling MeasureOnce(Action small, Action large)
    {
        var smallCalls = CallsPerRun(small);
        var largeCalls = CallsPerRun(large);

        // Fewer runs when one call alone is long: the old quadratic code takes seconds per call at 16 KiB.
        var runs = smallCalls == 1 || largeCalls == 1 ? 3 : 7;
        var smallBest = double.MaxValue;
        var largeBest = double.MaxValue;
        for (var run = 0; run < runs; run++)
        {
            // Alternate which side goes first, so neither always runs just after the other.
            if (run % 2 == 0)
            {
                smallBest = Math.Min(smallBest, PerCall(small, smallCalls));
                largeBest = Math.Min(largeBest, PerCall(large, largeCalls));
            }
            else
            {
                largeBest = Math.Min(largeBest, PerCall(large, largeCalls));
                smallBest = Math.Min(smallBest, PerCall(small, smallCalls));
            }
        }

        return new Scaling(smallBest, largeBest);
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

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>The cost of one call at each size, in CPU nanoseconds.</summary>
    /// <param name="Small">The cost at the smaller size.</param>
    /// <param name="Large">The cost at the larger size.</param>
    public readonly record struct Scaling(double Small, double Large)
    {
        /// <summary>Gets how many times the larger input costs the smaller one.</summary>
        public double Ratio => Large / Small;

        /// <inheritdoc />
        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{Small / 1000:F1} µs -> {Large / 1000:F1} µs, ratio {Ratio:F2}");
    }
}
