#if MIX_INVITATIONS_LEDGER
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Redeeming an invitation through <see cref="InvitationRedeemer"/> with the in-memory ledger: the stateless validation,
/// then the ledger's consume (which also refuses revoked tokens), against validation alone.
/// </summary>
/// <remarks>
/// The first redeem row's token has no use limit, so every call succeeds and the figure stays that of a successful
/// redemption however many calls BenchmarkDotNet makes; the ledger is still consulted on each. The second redeems a
/// single-use token and gives the use back with its receipt (the XEP-0445 failed-join path), so it too succeeds on
/// every call: it adds counting the use under its id, the receipt, and the release. Compiled when the redemption types
/// are in src.
/// </remarks>
[MemoryDiagnoser]
public class RedeemBenchmarks
{
    private InvitationService _service = null!;
    private InMemoryInvitationLedger _ledger = null!;
    private InvitationRedeemer _redeemer = null!;
    private Invitation _invitation = null!;
    private Invitation _singleUse = null!;
    private InvitationContext _context;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _ledger = new InMemoryInvitationLedger(TimeProvider.System);
        _redeemer = new InvitationRedeemer(_service, _ledger);
        _invitation = _service.IssueNow(Fixture.Request()).Issued.Invitation;
        var request = Fixture.Request();
        _singleUse = _service.IssueNow(new InvitationIssueRequest { Channel = request.Channel, Inviter = request.Inviter, Invitee = request.Invitee, Policy = request.Policy, Lifetime = request.Lifetime, MaxUses = 1 }).Issued.Invitation;
        _context = Fixture.Context();
        if (!Validate() || !Redeem().AsTask().GetAwaiter().GetResult() || !RedeemAndRelease().AsTask().GetAwaiter().GetResult() || !RedeemAndRelease().AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The invitation was refused.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Validate (channel key cached)")]
    public bool Validate() => _service.TryValidate(_invitation, _context, out _);

    [Benchmark(Description = "Redeem, in-memory ledger")]
    public async ValueTask<bool> Redeem() => (await _redeemer.RedeemAsync(_invitation, _context).ConfigureAwait(false)).IsValid;

    [Benchmark(Description = "Redeem single-use, then release its receipt")]
    public async ValueTask<bool> RedeemAndRelease()
    {
        var result = await _redeemer.RedeemAsync(_singleUse, _context).ConfigureAwait(false);
        return result.Receipt is { } receipt
            && await _redeemer.ReleaseAsync(receipt).ConfigureAwait(false) == InvitationReleaseOutcome.Released;
    }
}
#endif
