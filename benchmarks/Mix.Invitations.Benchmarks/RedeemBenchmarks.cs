#if MIX_INVITATIONS_LEDGER
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Redeeming an invitation through <see cref="InvitationRedeemer"/> with the in-memory ledger: the stateless validation,
/// then the ledger's consume (which also refuses revoked tokens), against validation alone.
/// </summary>
/// <remarks>
/// The token has no use limit, so every call succeeds and the figure stays that of a successful redemption however many
/// calls BenchmarkDotNet makes; the ledger is still consulted on each. Compiled when the redemption types are in src.
/// </remarks>
[MemoryDiagnoser]
public class RedeemBenchmarks
{
    private InvitationService _service = null!;
    private InMemoryInvitationLedger _ledger = null!;
    private InvitationRedeemer _redeemer = null!;
    private Invitation _invitation = null!;
    private InvitationContext _context;

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _ledger = new InMemoryInvitationLedger(TimeProvider.System);
        _redeemer = new InvitationRedeemer(_service, _ledger);
        _invitation = _service.Issue(Fixture.Request());
        _context = Fixture.Context();
        if (!Validate() || !Redeem().AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The invitation was refused.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ledger.Dispose();
        _service.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Validate (channel key cached)")]
    public bool Validate() => _service.TryValidate(_invitation, _context).IsValid;

    [Benchmark(Description = "Redeem, in-memory ledger")]
    public async ValueTask<bool> Redeem() => (await _redeemer.RedeemAsync(_invitation, _context).ConfigureAwait(false)).IsValid;
}
#endif
