namespace Mix.Invitations;

/// <summary>
/// The optional state behind single use, use limits and revocation: one entry per token id, kept only until the
/// token can no longer be redeemed. The contract every implementation meets is below; the repository's tests
/// (<c>LedgerContract</c>) check it for the in-memory and Redis ledgers.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="InvitationRedeemer"/> calls it after a token validated statelessly and passed the server's own checks.
/// With a ledger registered, <em>every</em> redemption consults it: every token is checked for revocation, and a
/// use-limited token also consumes one use. That is what lets an operator revoke a leaked bearer link that has no use
/// limit.
/// </para>
/// <para>
/// <b>Thread safety and atomicity.</b> Implementations must be safe to call concurrently, and each operation must be
/// atomic with respect to every other operation on the same token — across every node that shares the ledger. Two
/// redemptions racing for the last use of a token must never both see <see cref="InvitationLedgerOutcome.Consumed"/>,
/// and two releases of one use must never both give it back. A store without an atomic compare-and-set (such as
/// <c>IDistributedCache</c>) cannot implement this interface safely.
/// </para>
/// <para>
/// <b>Retention: no gap between check and use.</b> Every consume and revoke carries <c>retainUntil</c>, the instant
/// until which the token's entry must be kept: the token's expiry, plus <see cref="MixInvitationOptions.ExpiryTolerance"/>
/// (after which no node validates the token), plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/> (longer
/// than any redemption takes from validation to the ledger, plus the clock skew between nodes). The rules:
/// </para>
/// <list type="number">
/// <item>The ledger decides by its own clock (a <see cref="TimeProvider"/>). Asked at or after <c>retainUntil</c>, it
/// answers <see cref="InvitationLedgerOutcome.Expired"/> and writes nothing: it may have forgotten the token by then, and
/// must not start a fresh entry for it. <see cref="RevokeAsync"/> stores nothing then (every later redemption is refused
/// as expired anyway).</item>
/// <item>Before <c>retainUntil</c>, it decides from the entry as stored — never resetting it, never reading "an earlier
/// retention instant has passed" as "unused" — and lengthens the entry's retention to the latest <c>retainUntil</c> it
/// was given, never shortening it.</item>
/// <item>An entry may be forgotten only once every <c>retainUntil</c> it was given has passed.</item>
/// <item>The clock read that decides must be atomic with the decision: no removal of the entry may come between them.
/// A ledger in memory reads the clock under the entry's lock (as its purge does); a ledger in a remote store whose
/// entries expire on their own also treats an answer that comes back at or after <c>retainUntil</c> as
/// <see cref="InvitationLedgerOutcome.Expired"/>, since the entry may have expired while the command was on its way.</item>
/// </list>
/// <para>
/// So a redemption that passed validation is always counted and checked for revocation, however long its checks took:
/// either the ledger decides from the token's entry, or it refuses.
/// </para>
/// <para>
/// <b>Receipts: release only what was taken.</b> An entry records its outstanding uses by id, not as a bare count:
/// </para>
/// <list type="number">
/// <item>A consume that takes a use of a use-limited token gives it a new id — positive, never used before within the
/// entry, never reused even after a release (a counter kept with the entry, not "the highest outstanding id plus
/// one") — records it as outstanding, and returns it in <see cref="InvitationLedgerResult.UseId"/>. A refusal, and a
/// check of a token without a use limit, returns no id and records nothing.</item>
/// <item>The use count that <c>maxUses</c> is compared with is the number of outstanding ids.</item>
/// <item><see cref="ReleaseAsync"/> removes the id it is given if, and only if, it is outstanding, and says whether it
/// did. Of any number of releases of one id — in sequence, concurrently, from several nodes — at most one returns
/// <see langword="true"/>. An id never issued, or issued and released, gives back nothing. A release never creates
/// an entry, never lengthens one, and never lifts a revocation.</item>
/// </list>
/// <para>
/// <see cref="InvitationRedeemer"/> wraps the id in an <see cref="InvitationRedemptionReceipt"/>, handed out only on a
/// redemption that took a use; so a refused redemption has nothing to release, and a successful one can give back its
/// own use, once.
/// </para>
/// <para>
/// <b>Failures.</b> When the store cannot be reached an implementation throws
/// <see cref="InvitationLedgerUnavailableException"/>; the redeemer refuses the token with
/// <see cref="InvitationFailureReason.LedgerUnavailable"/>. Implementations never guess an answer.
/// </para>
/// </remarks>
public interface IInvitationLedger
{
    /// <summary>Atomically checks a token against the ledger and, when it is use-limited, consumes one use.</summary>
    /// <param name="tokenId">The token's id (<see cref="InvitationClaims.TokenId"/>).</param>
    /// <param name="channel">The bare channel the token admits to.</param>
    /// <param name="maxUses">The token's use limit, or 0 for a token without one: then only revocation is checked and nothing is written.</param>
    /// <param name="retainUntil">Until when the entry must be kept: the token's expiry, plus the expiry tolerance, plus the ledger retention margin. At or after it, the ledger answers <see cref="InvitationLedgerOutcome.Expired"/>.</param>
    /// <param name="cancellationToken">Cancels the wait; a use may still have been consumed when the store had already acted.</param>
    /// <returns>
    /// <see cref="InvitationLedgerOutcome.Consumed"/> when the token may be redeemed — with the new use's id when
    /// <paramref name="maxUses"/> is positive, else with none —, otherwise why not (and no id).
    /// </returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="maxUses"/> is negative.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token until <paramref name="retainUntil"/>: every later redemption of it is refused. Revoking twice does no harm.</summary>
    /// <param name="tokenId">The token's id.</param>
    /// <param name="channel">The bare channel the token admits to.</param>
    /// <param name="retainUntil">Until when the entry must be kept, as for <see cref="TryConsumeAsync"/>. At or after it nothing is stored.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the revocation is stored.</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is empty.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back the use with id <paramref name="useId"/>, for a join that failed after the token was accepted
    /// (XEP-0445: a token is consumed only when the join succeeds) — if, and only if, that use is outstanding. Atomic:
    /// of several releases of one use, wherever they run, at most one gives it back. Never creates or lengthens an
    /// entry; never lifts a revocation.
    /// </summary>
    /// <param name="tokenId">The token's id.</param>
    /// <param name="channel">The bare channel the token admits to.</param>
    /// <param name="useId">The use's id, as <see cref="TryConsumeAsync"/> returned it (<see cref="InvitationLedgerResult.UseId"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the use was outstanding and is given back; <see langword="false"/> when it was not (released already, never issued, or the entry is gone).</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="useId"/> is not positive.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default);
}
