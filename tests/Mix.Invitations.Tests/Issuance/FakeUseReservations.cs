namespace Mix.Invitations.Tests.Issuance;

/// <summary>
/// A stand-in for a ledger's <see cref="IInvitationUseReservations"/> (the real stores are the ledgers'): keeps live
/// reservations per channel in a list, by the clock it is given, and records every call.
/// </summary>
internal sealed class FakeUseReservations(TimeProvider time) : IInvitationUseReservations
{
    private readonly List<(Jid Channel, int Uses, DateTimeOffset Until)> _live = [];

    public List<(Jid Channel, int Uses, int Capacity, DateTimeOffset Until)> Calls { get; } = [];

    public bool Unavailable { get; set; }

    public ValueTask<InvitationLimitResult> TryReserveAsync(Jid channel, int uses, int capacity, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_live)
        {
            Calls.Add((channel, uses, capacity, until));
            if (Unavailable)
            {
                return new(InvitationLimitResult.Unavailable);
            }

            var now = time.GetUtcNow();
            _live.RemoveAll(r => r.Until <= now);
            var mine = _live.Where(r => r.Channel == channel).ToList();
            if (mine.Sum(r => r.Uses) + uses > capacity)
            {
                return new(InvitationLimitResult.Exceeded(mine.Count == 0 ? null : mine.Min(r => r.Until) - now));
            }

            _live.Add((channel, uses, until));
            return new(InvitationLimitResult.Acquired);
        }
    }
}

/// <summary>A ledger that keeps use reservations, as the in-memory and Redis ledgers will: for the DI tests.</summary>
internal sealed class ReservingLedger(TimeProvider time) : IInvitationLedger, IInvitationUseReservations, IDisposable
{
    private readonly InMemoryInvitationLedger _ledger = new(time);

    public void Dispose() => _ledger.Dispose();

    public FakeUseReservations Reservations { get; } = new(time);

    public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default) =>
        _ledger.TryConsumeAsync(request, cancellationToken);

    public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
        _ledger.RevokeIssuedBeforeAsync(channel, inviter, issuedBefore, retainUntil, cancellationToken);

    public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
        _ledger.RevokeAsync(tokenId, channel, retainUntil, cancellationToken);

    public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default) =>
        _ledger.ReleaseAsync(tokenId, channel, useId, cancellationToken);

    public ValueTask<InvitationLimitResult> TryReserveAsync(Jid channel, int uses, int capacity, DateTimeOffset until, CancellationToken cancellationToken) =>
        Reservations.TryReserveAsync(channel, uses, capacity, until, cancellationToken);
}
