#if MIX_INVITATIONS_LEDGER
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Throughput of redemption on the in-memory ledger on one thread and on two (issue 20, requirement 3): the same
/// <see cref="Operations"/> redemptions — a single-use token redeemed by its invitee, then its receipt released — on
/// the calling thread, or split in halves between it and a second, dedicated thread, each redeeming tokens of its own.
/// The figures are per redemption, so throughput on two threads is Mean(1 thread) / Mean(2 threads) times that of one.
/// </summary>
/// <remarks>
/// Both threads use one redeemer, one ledger and one channel, as the join handlers of one server do; only the tokens
/// differ. The second thread is started once and spins waiting for each half (as in <see cref="ThroughputBenchmarks"/>,
/// so no thread-pool wake-up is measured).
/// </remarks>
[MemoryDiagnoser]
public class LedgerThroughputBenchmarks
{
    public const int Operations = 8192;

    private const int TokensPerThread = 1024;

    private InvitationService _service = null!;
    private InMemoryInvitationLedger _ledger = null!;
    private InvitationRedeemer _redeemer = null!;
    private Invitation[][] _tokens = null!;
    private int[] _next = null!;
    private InvitationContext _context;
    private Thread? _worker;
    private volatile bool _stop;
    private volatile int _pending; // 1 while the worker owes a half
    private int _workerRedeemed;

    [GlobalSetup(Target = nameof(OneThread))]
    public void Setup()
    {
        _service = Fixture.Service();
        _ledger = new InMemoryInvitationLedger(TimeProvider.System);
        _redeemer = new InvitationRedeemer(_service, _ledger);
        _context = Fixture.Context();

        // Issued interleaved, one for each thread in turn, as a server's tokens arrive: neither thread's entries sit
        // together in memory.
        _tokens = [new Invitation[TokensPerThread], new Invitation[TokensPerThread]];
        for (var i = 0; i < TokensPerThread; i++)
        {
            _tokens[0][i] = _service.IssueNow(Fixture.SingleUseRequest()).Issued.Invitation;
            _tokens[1][i] = _service.IssueNow(Fixture.SingleUseRequest()).Issued.Invitation;
        }

        // Stride the threads' counters apart (two cache lines), so the benchmark itself shares nothing written.
        _next = new int[32];
        if (Run(0, 2 * TokensPerThread) != 2 * TokensPerThread || Run(1, 2 * TokensPerThread) != 2 * TokensPerThread)
        {
            throw new InvalidOperationException("A redemption was refused.");
        }
    }

    [GlobalSetup(Target = nameof(TwoThreads))]
    public void SetupTwoThreads()
    {
        Setup();
        _worker = new Thread(Work) { IsBackground = true, Name = "second redeeming thread" };
        _worker.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _worker?.Join();
        _ledger.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "Redeem + release, in-memory ledger, 1 thread")]
    public int OneThread() => Run(0, Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "Redeem + release, in-memory ledger, 2 threads")]
    public int TwoThreads()
    {
        _pending = 1;
        var mine = Run(0, Operations / 2);
        while (_pending != 0)
        {
            Thread.SpinWait(8);
        }

        return mine + _workerRedeemed;
    }

    /// <summary>Redeems and releases <paramref name="count"/> of thread <paramref name="thread"/>'s tokens (0 or 1), in turn; returns how many were admitted and released.</summary>
    /// <remarks>Each thread number must be used by one thread at a time: it owns its tokens and its place among them.</remarks>
    internal int Run(int thread, int count)
    {
        var tokens = _tokens[thread];
        var slot = thread * 16;
        var next = _next[slot];
        var done = 0;
        for (var i = 0; i < count; i++)
        {
            var result = _redeemer.RedeemAsync(tokens[next], _context).Now();
            if (result.Receipt is { } receipt && _redeemer.ReleaseAsync(receipt).Now() == InvitationReleaseOutcome.Released)
            {
                done++;
            }

            next = next + 1 == TokensPerThread ? 0 : next + 1;
        }

        _next[slot] = next;
        return done;
    }

    private void Work()
    {
        while (!_stop)
        {
            if (_pending == 0)
            {
                Thread.SpinWait(8);
                continue;
            }

            _workerRedeemed = Run(1, Operations / 2);
            _pending = 0; // volatile write: publishes _workerRedeemed
        }
    }
}
#endif
