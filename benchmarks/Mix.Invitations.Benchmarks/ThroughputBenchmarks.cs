using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Throughput of validation on one thread and on two: the same <see cref="Operations"/> validations of one hot channel's
/// invitation, run on the calling thread, or split in halves between the calling thread and a second, dedicated thread.
/// The figures are per validation, so throughput on two threads is Mean(1 thread) / Mean(2 threads) times that of one.
/// </summary>
/// <remarks>
/// <para>
/// One hot channel is the hard case for scaling: both threads share one cache entry and its pool of keyed states.
/// </para>
/// <para>
/// The second thread is started once and waits, spinning, for each half to run: handing every invocation to the thread
/// pool instead (<c>Task.Factory.StartNew</c>, as this benchmark first did) measured the pool's wake-up latency as
/// much as the library — 1.73× against 1.94× for the same library build in a scratch run on this machine.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    public const int Operations = 8192;

    private InvitationService _service = null!;
    private Invitation _invitation = null!;
    private InvitationContext _context;
    private Thread? _worker;
    private volatile bool _stop;
    private volatile int _pending; // 1 while the worker owes a half
    private int _workerValid;

    [GlobalSetup(Target = nameof(OneThread))]
    public void Setup()
    {
        _service = Fixture.Service();
        _invitation = _service.IssueNow(Fixture.Request()).Issued.Invitation;
        _context = Fixture.Context();
        if (Run(1) != 1)
        {
            throw new InvalidOperationException("The library refused its own invitation.");
        }
    }

    [GlobalSetup(Target = nameof(TwoThreads))]
    public void SetupTwoThreads()
    {
        Setup();
        _worker = new Thread(Work) { IsBackground = true, Name = "second validating thread" };
        _worker.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _worker?.Join();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations, Description = "Validate, 1 thread")]
    public int OneThread() => Run(Operations);

    [Benchmark(OperationsPerInvoke = Operations, Description = "Validate, 2 threads")]
    public int TwoThreads()
    {
        _pending = 1;
        var mine = Run(Operations / 2);
        while (_pending != 0)
        {
            Thread.SpinWait(8);
        }

        return mine + _workerValid;
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

            _workerValid = Run(Operations / 2);
            _pending = 0; // volatile write: publishes _workerValid
        }
    }

    private int Run(int count)
    {
        var valid = 0;
        for (var i = 0; i < count; i++)
        {
            if (_service.TryValidate(_invitation, _context, out _))
            {
                valid++;
            }
        }

        return valid;
    }
}
