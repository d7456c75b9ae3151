using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>Issuing one invitation (channel key cached), against the HMAC floor F1-issue, JWT and Data Protection.</summary>
/// <remarks>
/// Two rows of ours: <see cref="InvitationService.IssueToken"/>, the issue itself (what the floor does: the token string
/// is its only allocation), and <see cref="InvitationService.Issue"/>, which also builds the returned
/// <see cref="Invitation"/> (one more object, with three JIDs copied into it).
/// </remarks>
[MemoryDiagnoser]
public class IssueBenchmarks
{
    private InvitationService _service = null!;
    private InvitationRequest _request = null!;
    private Baselines _baselines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _request = Fixture.Request();
        _baselines = new Baselines(_service.Issue(_request).Token);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselines.Dispose();
        _service.Dispose();
    }

    [Benchmark(Baseline = true, Description = "F1-issue: HMAC floor of an issue")]
    public string F1Issue() => _baselines.F1Issue();

    [Benchmark(Description = "Issue token (channel key cached)")]
    public string IssueToken() => _service.IssueToken(_request);

    [Benchmark(Description = "Issue, returning an Invitation")]
    public Invitation Issue() => _service.Issue(_request);

    [Benchmark(Description = "JWT HS256 create")]
    public string JwtCreate() => _baselines.JwtCreate();

    [Benchmark(Description = "Data Protection Protect (time-limited)")]
    public string DataProtectionProtect() => _baselines.DataProtectionProtect();
}
