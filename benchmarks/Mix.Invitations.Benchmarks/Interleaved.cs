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

        WriteHeader();
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

        // Issue 20: through the ledger and at scale.
        RunAtScale();
    }

    /// <summary>Issue 20's join ratios alone, with the header of the full run: <c>-- --interleaved-join</c>.</summary>
    public static void RunJoinAlone()
    {
        WriteHeader();
        RunJoin();
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

    private static void WriteHeader() =>
        Console.WriteLine($"interleaved, thread CPU time: {Rounds} rounds of {OperationsPerRound} operations per side; median of per-round ratios, median ns per operation");

    /// <summary>
    /// Issue 20's ratios: first-seen validation and in-memory ledger redemption at 10⁶ against 10³, two threads redeeming
    /// against one, and a Redis redemption against a bare EVALSHA on the benchmark's own redis-server.
    /// </summary>
    public static void RunAtScale()
    {
        var firstSeenSmall = new FirstSeenAtScaleBenchmarks { Channels = 1_000 };
        firstSeenSmall.Setup();
        var firstSeenLarge = new FirstSeenAtScaleBenchmarks { Channels = 1_000_000 };
        firstSeenLarge.Setup();
        Report("first-seen 1e6 / 1e3", () => firstSeenLarge.ValidateFirstSeen(), () => firstSeenSmall.ValidateFirstSeen());
        Report("(info) F2 floor 1e6 / 1e3", () => firstSeenLarge.F2(), () => firstSeenSmall.F2());
        firstSeenSmall.Cleanup();
        firstSeenLarge.Cleanup();
        firstSeenSmall = null;
        firstSeenLarge = null;
        GC.Collect();

#if MIX_INVITATIONS_LEDGER
        var ledgerSmall = new LedgerAtScaleBenchmarks { LiveEntries = 1_000 };
        ledgerSmall.Setup();
        var ledgerLarge = new LedgerAtScaleBenchmarks { LiveEntries = 1_000_000 };
        ledgerLarge.Setup();
        Report("ledger redeem 1e6 / 1e3", () => ledgerLarge.RedeemAndRelease(), () => ledgerSmall.RedeemAndRelease());
        Report("(info) ledger only 1e6 / 1e3", () => ledgerLarge.ConsumeAndRelease(), () => ledgerSmall.ConsumeAndRelease());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"(info) ledger bytes per live entry",-34} {ledgerLarge.BytesPerEntry,6:F0}   (10^6 entries, one use and its joiner each; goal <= 160)"));
        ledgerSmall.Cleanup();
        ledgerLarge.Cleanup();
        ledgerSmall = null;
        ledgerLarge = null;
        GC.Collect();

        RunRedis();
        RunLedgerThreads();
#endif
    }

#if MIX_INVITATIONS_LEDGER
    /// <summary>
    /// Redis: median latency of a redemption against a bare EVALSHA, each call timed on the wall clock (the time is spent
    /// waiting for Redis, not on this thread's CPU), in alternating rounds; then the throughput of 64 calls in flight
    /// over two instances, and redis-benchmark's figures for the same server (the ceiling).
    /// </summary>
    public static void RunRedis()
    {
        if (ThrowawayRedisServer.Executable is null)
        {
            Console.WriteLine("redeem (Redis) / bare EVALSHA  skipped (redis-server not found)");
            return;
        }

        var redis = new RedisRedeemBenchmarks();
        redis.Setup();
        try
        {
            ReportLatency("redeem (Redis) / bare EVALSHA", () => redis.Redeem().AsTask().GetAwaiter().GetResult(), () => redis.BareEvalSha().AsTask().GetAwaiter().GetResult());
            ReportLatency("(info) ledger only / bare EVALSHA", () => redis.ConsumeOnly().AsTask().GetAwaiter().GetResult(), () => redis.BareEvalSha().AsTask().GetAwaiter().GetResult());
            var redeemBytes = AllocatedPerCall(() => redis.Redeem().AsTask().GetAwaiter().GetResult());
            var ledgerBytes = AllocatedPerCall(() => redis.ConsumeOnly().AsTask().GetAwaiter().GetResult());
            var bareBytes = AllocatedPerCall(() => redis.BareEvalSha().AsTask().GetAwaiter().GetResult());
            var redeemServer = redis.ServerMicrosecondsPerCall(() => redis.Redeem().AsTask().GetAwaiter().GetResult(), 4000);
            var ledgerServer = redis.ServerMicrosecondsPerCall(() => redis.ConsumeOnly().AsTask().GetAwaiter().GetResult(), 4000);
            var bareServer = redis.ServerMicrosecondsPerCall(() => redis.BareEvalSha().AsTask().GetAwaiter().GetResult(), 4000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"(info) Redis usec_per_call",-34} redeem {redeemServer:F2}, ledger only {ledgerServer:F2}, bare EVALSHA {bareServer:F2} (INFO commandstats, one call at a time)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"(info) bytes allocated per call",-34} redeem {redeemBytes:F0}, ledger only {ledgerBytes:F0}, bare EVALSHA {bareBytes:F0} (every thread of this process, one call at a time)"));

            // Throughput: nanoseconds of wall time per call with 64 in flight; the ratio is redemptions per second over
            // bare scripts per second (so A is the bare script's time per call, B the redemption's).
            const int rounds = 41;
            var ratios = new double[rounds];
            var bare = new double[rounds];
            var redeem = new double[rounds];
            WarmUp(() => redis.RedeemConcurrent().GetAwaiter().GetResult(), () => redis.BareEvalShaConcurrent().GetAwaiter().GetResult());
            for (var r = 0; r < rounds; r++)
            {
                if (r % 2 == 0)
                {
                    bare[r] = WallPerCall(() => redis.BareEvalShaConcurrent().GetAwaiter().GetResult(), RedisRedeemBenchmarks.ConcurrentOperations);
                    redeem[r] = WallPerCall(() => redis.RedeemConcurrent().GetAwaiter().GetResult(), RedisRedeemBenchmarks.ConcurrentOperations);
                }
                else
                {
                    redeem[r] = WallPerCall(() => redis.RedeemConcurrent().GetAwaiter().GetResult(), RedisRedeemBenchmarks.ConcurrentOperations);
                    bare[r] = WallPerCall(() => redis.BareEvalShaConcurrent().GetAwaiter().GetResult(), RedisRedeemBenchmarks.ConcurrentOperations);
                }

                ratios[r] = bare[r] / redeem[r];
            }

            Line("(info) redeem x64 / EVALSHA x64", Median(ratios), Median(bare), Median(redeem));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"(info) ops/s, 64 in flight",-34} redeem {1e9 / Median(redeem):N0}, bare EVALSHA {1e9 / Median(bare):N0} (this client, two connections)"));
            RedisBenchmark(redis.Port, ["-t", "set,get"]);
            RedisBenchmark(redis.Port, ["evalsha", redis.TrivialScriptSha, "0"]);
        }
        finally
        {
            redis.Cleanup();
        }
    }

    /// <summary>Runs redis-benchmark (64 clients, 100,000 requests, no pipelining) against the server and prints its requests per second: the ceiling.</summary>
    private static void RedisBenchmark(int port, string[] test)
    {
        var info = new ProcessStartInfo("redis-benchmark") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-c", "64", "-n", "100000", "-q" }.Concat(test))
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            foreach (var line in output.Split('\r', '\n').Where(l => l.Contains("requests per second", StringComparison.Ordinal)))
            {
                Console.WriteLine($"{"(info) redis-benchmark -c 64",-34} {line.Trim()}");
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"{"(info) redis-benchmark -c 64",-34} skipped (redis-benchmark not found)");
        }
    }

    /// <summary>
    /// Two threads redeeming on the in-memory ledger against one, by thread CPU time: what running beside another
    /// redeeming thread costs each redemption, which is what keeps two threads from twice the throughput of one.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Alternating rounds of <see cref="ThreadRoundOperations"/> redemptions: on this thread alone, then split in halves
    /// between it and a second thread that waits blocked between rounds (so it takes no core during a one-thread round)
    /// and meets this one at a spin barrier. The speed-up of a round is the one-thread round's CPU time for all of them
    /// over the CPU time of the slower half: on two cores free for the two threads, the wall time of a two-thread round
    /// is its slower half, and whatever the threads do to each other (a shared line written by both, a lock, memory
    /// bandwidth) lengthens their CPU time as much as their wall time.
    /// </para>
    /// <para>
    /// It counts only when the two threads ran at the same time: a two-thread round counts when the threads' CPU times,
    /// less its wall time, cover at least 90 % of the shorter one's (however the other processes were scheduled, the
    /// two ran side by side for that long). On a host whose two cores other processes share, the wall clock cannot
    /// give this figure — a round lasts until its slower half is scheduled, and a third runnable thread lands on one
    /// of them —, so it is printed beside it for information only.
    /// </para>
    /// </remarks>
    public static void RunLedgerThreads()
    {
        var threads = new LedgerThroughputBenchmarks();
        threads.Setup();
        using var pair = new ThreadPair((thread, count) => threads.Run(thread, count));
        const int rounds = 401;
        var speedUps = new List<double>(rounds);
        var walls = new double[rounds];
        var ones = new List<double>(rounds);
        var twos = new List<double>(rounds);
        var warmUp = Stopwatch.StartNew(); // at least a second, for the tiered JIT (see Report)
        for (var r = 0; r < 100 || warmUp.Elapsed < TimeSpan.FromSeconds(1); r++)
        {
            pair.One(ThreadRoundOperations);
            pair.Two(ThreadRoundOperations);
        }

        for (var r = 0; r < rounds; r++)
        {
            (double Cpu, double Wall) one;
            ThreadPair.Round two;
            if (r % 2 == 0)
            {
                one = pair.One(ThreadRoundOperations);
                two = pair.Two(ThreadRoundOperations);
            }
            else
            {
                two = pair.Two(ThreadRoundOperations);
                one = pair.One(ThreadRoundOperations);
            }

            walls[r] = one.Wall / two.WallNanoseconds;
            if (two.Overlap >= 0.9)
            {
                speedUps.Add(one.Cpu / Math.Max(two.CpuNanosecondsA, two.CpuNanosecondsB));
                ones.Add(one.Cpu / ThreadRoundOperations);
                twos.Add(Math.Max(two.CpuNanosecondsA, two.CpuNanosecondsB) / ThreadRoundOperations);
            }
        }

        if (speedUps.Count < 21)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"ledger 2 threads / 1",-34} not measured: the two threads ran side by side in only {speedUps.Count} of {rounds} rounds"));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"ledger 2 threads / 1",-34} {Median([.. speedUps]),6:F2}   ({Median([.. ones]),8:F0} ns / {Median([.. twos]),8:F0} ns)   thread CPU time, {speedUps.Count} of {rounds} rounds side by side"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"(info) ledger 2 threads / 1, wall",-34} {Median(walls),6:F2}   (wall clock of the two-thread rounds: needs two idle cores)"));
        threads.Cleanup();
    }

    /// <summary>Redemptions in a round of <see cref="RunLedgerThreads"/>: about a millisecond a thread, short enough for both threads to run it unpreempted on a busy host.</summary>
    private const int ThreadRoundOperations = 1024;

    /// <summary>The median latency of single calls, each timed on the wall clock, in alternating rounds of 100 calls a side: median of the per-round ratios of medians.</summary>
    private static void ReportLatency(string name, Action numerator, Action denominator)
    {
        const int rounds = 201;
        const int calls = 100;
        WarmUp(numerator, denominator);
        var ratios = new double[rounds];
        var tops = new double[rounds];
        var bottoms = new double[rounds];
        var sample = new double[calls];
        for (var r = 0; r < rounds; r++)
        {
            if (r % 2 == 0)
            {
                tops[r] = MedianLatency(numerator, sample);
                bottoms[r] = MedianLatency(denominator, sample);
            }
            else
            {
                bottoms[r] = MedianLatency(denominator, sample);
                tops[r] = MedianLatency(numerator, sample);
            }

            ratios[r] = tops[r] / bottoms[r];
        }

        Line(name, Median(ratios), Median(tops), Median(bottoms));
    }

    private static double MedianLatency(Action operation, double[] sample)
    {
        for (var i = 0; i < sample.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            operation();
            sample[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        }

        return Median(sample);
    }

    /// <summary>
    /// Bytes allocated per call by every thread of this process (the client's I/O threads too), over 2,000 calls one at
    /// a time. (Not its CPU time: the thread pool's workers spin while they wait for a reply, so that measures waiting.)
    /// </summary>
    private static double AllocatedPerCall(Action operation)
    {
        const int calls = 2000;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++)
        {
            operation();
        }

        return (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / calls;
    }

    private static double WallPerCall(Action operation, int calls)
    {
        var start = Stopwatch.GetTimestamp();
        operation();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
    }

    private static void WarmUp(Action first, Action second)
    {
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < 50 || warmUp.Elapsed < TimeSpan.FromSeconds(1); i++)
        {
            first();
            second();
        }
    }
#endif

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

        Line(name, Median(ratios), Median(tops), Median(bottoms));
    }

    /// <summary>One line of the cross-check: <c>LABEL  RATIO  (A ns / B ns)</c>, read by scripts.</summary>
    private static void Line(string name, double ratio, double top, double bottom) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {ratio,6:F2}   ({top,8:F0} ns / {bottom,8:F0} ns)"));

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

    /// <summary>This thread and a second one, running an operation side by side in rounds, each timed by its own CPU clock.</summary>
    private sealed class ThreadPair : IDisposable
    {
        private readonly Func<int, int, int> _operation;
        private readonly Thread _thread;
        private readonly SemaphoreSlim _start = new(0);
        private readonly ManualResetEventSlim _done = new();
        private int _count;
        private int _arrived;
        private long _cpu;
        private volatile bool _stop;

        /// <param name="operation">Runs the given count of operations as thread 0 or 1 (the second argument is the count).</param>
        public ThreadPair(Func<int, int, int> operation)
        {
            _operation = operation;
            _thread = new Thread(Work) { IsBackground = true, Name = "second thread of the pair" };
            _thread.Start();
        }

        /// <summary>Runs <paramref name="count"/> operations on this thread; returns its CPU time and the wall time, in nanoseconds.</summary>
        public (double Cpu, double Wall) One(int count)
        {
            var wall = Stopwatch.GetTimestamp();
            var start = ThreadCpuNanoseconds();
            _operation(0, count);
            return (ThreadCpuNanoseconds() - start, Stopwatch.GetElapsedTime(wall).TotalNanoseconds);
        }

        /// <summary>Runs half of <paramref name="count"/> on each thread, started together.</summary>
        public Round Two(int count)
        {
            _count = count / 2;
            _done.Reset();
            Volatile.Write(ref _arrived, 0);
            _start.Release();
            Meet();
            var wall = Stopwatch.GetTimestamp();
            var start = ThreadCpuNanoseconds();
            _operation(0, count / 2);
            var mine = ThreadCpuNanoseconds() - start;
            _done.Wait();
            return new Round(mine, Volatile.Read(ref _cpu), Stopwatch.GetElapsedTime(wall).TotalNanoseconds);
        }

        public void Dispose()
        {
            _stop = true;
            _start.Release();
            _thread.Join();
            _start.Dispose();
            _done.Dispose();
        }

        /// <summary>Both threads arrive before either starts: the second has been woken and is running.</summary>
        private void Meet()
        {
            Interlocked.Increment(ref _arrived);
            while (Volatile.Read(ref _arrived) < 2)
            {
                Thread.SpinWait(1);
            }
        }

        private void Work()
        {
            while (true)
            {
                _start.Wait(); // blocked, not spinning, between rounds: a one-thread round has its core to itself
                if (_stop)
                {
                    return;
                }

                Meet();
                var start = ThreadCpuNanoseconds();
                _operation(1, _count);
                Volatile.Write(ref _cpu, ThreadCpuNanoseconds() - start);
                _done.Set();
            }
        }

        /// <summary>One two-thread round: each thread's CPU time and the round's wall time, in nanoseconds.</summary>
        public readonly record struct Round(double CpuNanosecondsA, double CpuNanosecondsB, double WallNanoseconds)
        {
            /// <summary>Gets the least share of the shorter thread's CPU time during which both threads ran.</summary>
            public double Overlap => (CpuNanosecondsA + CpuNanosecondsB - WallNanoseconds) / Math.Min(CpuNanosecondsA, CpuNanosecondsB);
        }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
