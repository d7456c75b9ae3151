namespace Mix.Invitations;

/// <summary>
/// Keeps, per channel, how many uses its live bearer invitations allow: what the built-in outstanding-uses cap asks
/// before an unbound, use-limited invitation is issued. The ledgers implement it (in memory, and on Redis for every
/// node), so the cap needs a ledger.
/// </summary>
/// <remarks>
/// A reservation lasts until the invitation expires, whether or not its uses are spent: the count is of uses
/// <em>issued</em> and still live, an upper bound of the uses that can still be redeemed. Implementations are
/// thread-safe, atomic (two issues racing for the last uses cannot both get them) and report an unreachable store as
/// <see cref="InvitationLimitResult.Unavailable"/>.
/// </remarks>
public interface IInvitationUseReservations
{
    /// <summary>Reserves uses for a new invitation of a channel, when the channel's live reservations leave room.</summary>
    /// <param name="channel">The channel (bare).</param>
    /// <param name="uses">The new invitation's use limit (at least 1).</param>
    /// <param name="capacity">How many uses the channel's live invitations may allow in all (at least 1).</param>
    /// <param name="until">When the new invitation expires: its reservation is dropped then.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <returns>Acquired; exceeded, with the time until the earliest live reservation expires; or unavailable.</returns>
    ValueTask<InvitationLimitResult> TryReserveAsync(Jid channel, int uses, int capacity, DateTimeOffset until, CancellationToken cancellationToken);
}
