using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>Validating one invitation whose channel key is cached, against the HMAC floor F1, JWT and Data Protection.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private InvitationService _service = null!;
    private Invitation _invitation = null!;
    private InvitationContext _context;
    private Baselines _baselines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _invitation = _service.IssueNow(Fixture.Request()).Issued.Invitation;
        _context = Fixture.Context();
        _baselines = new Baselines(_invitation.Token);
        if (!Validate())
        {
            throw new InvalidOperationException("The library refused its own invitation.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselines.Dispose();
    }

    [Benchmark(Baseline = true, Description = "F1: HMAC floor of a validation")]
    public bool F1() => _baselines.F1Validate(_invitation.Token);

    [Benchmark(Description = "Validate (channel key cached)")]
    public bool Validate() => _service.TryValidate(_invitation, _context, out _);

    [Benchmark(Description = "JWT HS256 validate")]
    public bool JwtValidate() => _baselines.JwtValidate();

    [Benchmark(Description = "Data Protection Unprotect (time-limited)")]
    public bool DataProtectionUnprotect() => _baselines.DataProtectionUnprotect();
}
