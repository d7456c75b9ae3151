using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Throughput of validation on one thread and on two: the same <see cref="Operations"/> validations of one hot channel's
/// invitation, run on the calling thread, or split in halves between the calling thread and a thread-pool thread.
/// The figures are per validation, so throughput on two threads is Mean(1 thread) / Mean(2 threads) times that of one.
/// </summary>
/// <remarks>
/// One hot channel is the hard case for scaling: both threads share one cache entry and its pool of keyed states.
/// The machine's other load competes for the second core, so this row is the noisiest of the run.
/// </remarks>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    public const int Operations = 8192;

    private InvitationService _service = null!;
    private Invitation _invitation = null!;
    private InvitationContext _context;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _invitation = _service.Issue(Fixture.Request());
        _context = Fixture.Context();
        if (Run(1) != 1)
        {
            throw new InvalidOperationException("The library refused its own invitation.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _service.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "Validate, 1 thread")]
    public int OneThread() => Run(Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "Validate, 2 threads")]
    public int TwoThreads()
    {
        var other = Task.Factory.StartNew(static s => ((ThroughputBenchmarks)s!).Run(Operations / 2), this, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);
        var mine = Run(Operations / 2);
        return mine + other.GetAwaiter().GetResult();
    }

    private int Run(int count)
    {
        var valid = 0;
        for (var i = 0; i < count; i++)
        {
            if (_service.TryValidate(_invitation, _context).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }
}
