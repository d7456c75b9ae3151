using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Issue 19 requirement 6: validating a narrowed copy of a bearer token, with one restriction (an invitee) and with
/// three (an invitee, an earlier expiry, a use limit), against validating the token as issued. Each restriction is one
/// more HMAC-SHA256 keyed by the previous tag; a use limit also hashes its copy id for the ledger.
/// </summary>
[MemoryDiagnoser]
public class NarrowingBenchmarks
{
    private InvitationService _service = null!;
    private Invitation _plain = null!;
    private Invitation _oneRestriction = null!;
    private Invitation _threeRestrictions = null!;
    private Invitation _oneRoleGrant = null!;
    private InvitationContext _context;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _plain = _service.IssueNow(Bearer(null)).Issued.Invitation;
        _oneRoleGrant = _service.IssueNow(Bearer(new InvitationGrants { Role = 2 })).Issued.Invitation;
        _oneRestriction = _plain.Narrow(new InvitationRestrictions { Invitee = Fixture.Invitee }).Invitation!;
        _threeRestrictions = _plain.Narrow(new InvitationRestrictions { Invitee = Fixture.Invitee, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1), MaxUses = 2 }).Invitation!;
        _context = Fixture.Context();
        if (!Plain() || !OneRestriction() || !ThreeRestrictions() || !OneRoleGrant())
        {
            throw new InvalidOperationException("The library refused its own invitation.");
        }
    }

    private static InvitationIssueRequest Bearer(InvitationGrants? grants) => new() { Channel = Fixture.Channel, Policy = BindingPolicies.UnboundName, Grants = grants };

    [Benchmark(Baseline = true, Description = "Validate bearer token as issued")]
    public bool Plain() => _service.TryValidate(_plain, _context, out _);

    [Benchmark(Description = "Validate with one role grant")]
    public bool OneRoleGrant() => _service.TryValidate(_oneRoleGrant, _context, out _);

    [Benchmark(Description = "Validate narrowed, 1 restriction")]
    public bool OneRestriction() => _service.TryValidate(_oneRestriction, _context, out _);

    [Benchmark(Description = "Validate narrowed, 3 restrictions")]
    public bool ThreeRestrictions() => _service.TryValidate(_threeRestrictions, _context, out _);
}
