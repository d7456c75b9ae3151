#if MIX_INVITATIONS_LEDGER
using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// In-memory ledger redemption as the live entries grow from 10³ to 10⁶ (issue 20, requirement 3), and what one live
/// entry costs in memory.
/// </summary>
/// <remarks>
/// <para>
/// Set-up issues <see cref="LiveEntries"/> single-use, invitee-bound tokens of one channel and redeems each once by its
/// invitee: that many live entries, each holding one use and its joiner — the state a busy server keeps for every
/// invitation redeemed and not yet expired. <see cref="BytesPerEntry"/> is the managed heap's growth over that step
/// (<see cref="GC.GetTotalMemory(bool)"/> after a full collection, before and after), divided by the entries. The uses are
/// then released, so each call can take one again.
/// </para>
/// <para>
/// A call redeems the next token (the entries were stored in a random order: a server redeems tokens in no order
/// related to where their entries are) and releases its receipt, the XEP-0445 failed-join path, so the population stays the same: a real
/// consume on an existing entry (lookup, cut-offs, take the use, record the joiner) and a release. The ledger-only row
/// does the same without the validation, to show the ledger's own growth undiluted.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class LedgerAtScaleBenchmarks
{
    private InvitationService _service = null!;
    private InMemoryInvitationLedger _ledger = null!;
    private InvitationRedeemer _redeemer = null!;
    private Invitation[] _tokens = null!;
    private InvitationLedgerRequest[] _requests = null!;
    private InvitationContext _context;
    private int _next;

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int LiveEntries { get; set; }

    /// <summary>Gets the managed memory one live entry (one use, with its joiner) took when the ledger was populated.</summary>
    public double BytesPerEntry { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _service = Fixture.Service();
        _ledger = new InMemoryInvitationLedger(TimeProvider.System);
        _redeemer = new InvitationRedeemer(_service, _ledger);
        _context = Fixture.Context();
        _tokens = new Invitation[LiveEntries];
        _requests = new InvitationLedgerRequest[LiveEntries];
        for (var i = 0; i < LiveEntries; i++)
        {
            _tokens[i] = _service.IssueNow(Fixture.SingleUseRequest()).Issued.Invitation;
            if (!_service.TryValidate(_tokens[i], _context, out var validated))
            {
                throw new InvalidOperationException("The library refused its own invitation.");
            }

            var claims = validated.Claims;
            _requests[i] = new InvitationLedgerRequest(claims.TokenId, claims.Channel, claims.MaxUses, claims.AcceptedUntil + new MixInvitationOptions().LedgerRetentionMargin, claims.IssuedAt, claims.Inviter, _context.Joiner);
        }

        // Stored in a random order and redeemed in the order the invitations were made: each call reads its invitation
        // as a server reads one just taken off the wire (cache-warm, the next in memory), and its ledger entry from
        // wherever the ledger put it (so at 10⁶ the entries are cold and scattered, as on a busy server).
        var order = Enumerable.Range(0, LiveEntries).ToArray();
        new Random(20).Shuffle(order);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var i in order)
        {
            if (_redeemer.RedeemAsync(_tokens[i], _context).Now().Receipt is not { UseId: 1 })
            {
                throw new InvalidOperationException("A fresh single-use token was refused, or its first use was not use 1.");
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        BytesPerEntry = (double)(after - before) / LiveEntries;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {LiveEntries} live entries: {BytesPerEntry:F0} B per entry (managed heap)"));

        // Each token's first use is use 1: give it back, so the calls measured can take it again.
        foreach (var request in _requests)
        {
            if (!_ledger.ReleaseAsync(request.TokenId, request.Channel, 1).Now())
            {
                throw new InvalidOperationException("A use was not released.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _ledger.Dispose();

    [Benchmark(Baseline = true, Description = "Redeem single-use + release, in-memory ledger")]
    public bool RedeemAndRelease()
    {
        var i = Next();
        var result = _redeemer.RedeemAsync(_tokens[i], _context).Now();
        return result.Receipt is { } receipt && _redeemer.ReleaseAsync(receipt).Now() == InvitationReleaseOutcome.Released;
    }

    [Benchmark(Description = "Consume + release, ledger only")]
    public bool ConsumeAndRelease()
    {
        var request = _requests[Next()];
        var result = _ledger.TryConsumeAsync(request).Now();
        return result.Outcome == InvitationLedgerOutcome.Consumed && _ledger.ReleaseAsync(request.TokenId, request.Channel, result.UseId).Now();
    }

    private int Next()
    {
        var i = _next;
        _next = i + 1 == LiveEntries ? 0 : i + 1;
        return i;
    }
}
#endif
