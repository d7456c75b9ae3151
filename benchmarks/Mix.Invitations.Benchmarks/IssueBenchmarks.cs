using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>Issuing one invitation (channel key cached), against the HMAC floor F1-issue, JWT and Data Protection.</summary>
/// <remarks>
/// One row of ours, <see cref="InvitationService.Issue"/>: the token string (what the floor allocates too) and the
/// returned <see cref="Invitation"/> (one more object, with three JIDs copied into it); the
/// <see cref="IssuedInvitation"/> around them is a value.
/// </remarks>
[MemoryDiagnoser]
public class IssueBenchmarks
{
    private InvitationService _service = null!;
    private InvitationIssueRequest _request = null!;
    private Baselines _baselines = null!;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _request = Fixture.Request();
        _baselines = new Baselines(_service.IssueNow(_request).Issued.Invitation.Token);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselines.Dispose();
    }

    [Benchmark(Baseline = true, Description = "F1-issue: HMAC floor of an issue")]
    public string F1Issue() => _baselines.F1Issue();

    [Benchmark(Description = "Issue (channel key cached)")]
    public InvitationIssueResult Issue() => _service.IssueNow(_request);

    [Benchmark(Description = "JWT HS256 create")]
    public string JwtCreate() => _baselines.JwtCreate();

    [Benchmark(Description = "Data Protection Protect (time-limited)")]
    public string DataProtectionProtect() => _baselines.DataProtectionProtect();
}
