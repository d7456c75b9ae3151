using System.Runtime.InteropServices;

namespace Mix.Invitations.Tests.Shared;

/// <summary>
/// The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): time spent descheduled while
/// other processes run does not count. Shared by the cost tests and the benchmarks' interleaved cross-checks.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>Gets a value indicating whether the clock can be read here.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Reads the calling thread's CPU time, in nanoseconds.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the clock cannot be read.</exception>
    public static long Nanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000) + time.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
