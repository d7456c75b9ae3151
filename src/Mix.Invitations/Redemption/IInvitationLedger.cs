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
/// <b>Retries: one use per joiner.</b> A consume that names a joiner (<see cref="InvitationLedgerRequest.Joiner"/>) of a
/// use-limited token records the joiner with the use it takes — hashed in a remote store, never in clear. A later
/// consume of the same token by the same bare JID, while that use is outstanding, takes no second use: it answers
/// <see cref="InvitationLedgerOutcome.Consumed"/> with the same id and <see cref="InvitationLedgerResult.IsRepeat"/>,
/// even when the token is exhausted meanwhile (the joiner holds one of its uses), but not when it is revoked. So a
/// server that retries after a timeout in which the store had acted admits the joiner without spending another use.
/// <see cref="ReleaseAsync"/> drops the joiner's record with the use, so a later redemption by the same joiner takes a
/// new use. The record lives with the token's entry, under the same retention.
/// </para>
/// <para>
/// <b>Narrowed copies: one entry, more limits.</b> A narrowed copy has its original's token id, so it shares its
/// original's entry: the same revocation, cut-offs, use ids, joiners and retention. A copy with a use limit adds
/// <see cref="InvitationLedgerRequest.CopyLimits"/> (every uses restriction along its chain, each with the copy's own id),
/// and such a request takes a use whether or not the original is use-limited (<see cref="InvitationLedgerRequest.TakesUse"/>):
/// </para>
/// <list type="number">
/// <item>In the one atomic decision, after revocation, the cut-offs and a joiner's retry (answered as above, through
/// whichever copy): <see cref="InvitationLedgerOutcome.Exhausted"/> when the original is use-limited and its outstanding
/// uses reach its limit, or when any copy's outstanding uses reach that copy's limit; otherwise one new use id of the
/// original's entry, counted against the original and against every copy in the request — all of them, or none.</item>
/// <item>The ledger remembers which copies each use was counted against: <see cref="ReleaseAsync"/> of that use gives it
/// back to the original and to each of those copies, once, and to no other.</item>
/// <item>The copies' counts live with the original's entry, under its retention: they expire with it, never apart.</item>
/// </list>
/// <para>
/// <b>Bulk revocation: cut-offs.</b> <see cref="RevokeIssuedBeforeAsync"/> stores an instant per channel, or per
/// (channel, inviter): no list of tokens. Every consume compares the token's signed issued-at with them, in the same
/// atomic decision as the rest: issued before the channel's cut-off, or before its bound inviter's cut-off in the
/// channel, is <see cref="InvitationLedgerOutcome.Revoked"/>. A cut-off is kept only as long as a token issued before it
/// could still be redeemed; after that it is forgotten, which changes no answer. A store keeps the later of two
/// cut-offs and the longer of two retentions.
/// </para>
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
    /// <summary>
    /// Atomically checks a token against the ledger — its own revocation, its channel's and its inviter's cut-offs —
    /// and, when it or a narrowed copy along its chain is use-limited, consumes one use counted against each limit (or,
    /// for a retry by the same joiner, answers the use it holds).
    /// </summary>
    /// <param name="request">The token, its use limit, issued-at and bound inviter, its retention instant, and the joiner.</param>
    /// <param name="cancellationToken">Cancels the wait; a use may still have been consumed when the store had already acted (the same joiner's retry then answers that use).</param>
    /// <returns>
    /// <see cref="InvitationLedgerOutcome.Consumed"/> when the token may be redeemed — with the use's id when the
    /// request takes a use (<see cref="InvitationLedgerRequest.TakesUse"/>; and <see cref="InvitationLedgerResult.IsRepeat"/>
    /// when it is the use the same joiner already holds), else with none —, otherwise why not (and no id).
    /// </returns>
    /// <exception cref="ArgumentException">Thrown when the request names no channel (<c>default(InvitationLedgerRequest)</c>).</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Revokes, without a list of tokens, every invitation of <paramref name="channel"/> — or, with
    /// <paramref name="inviter"/>, every one of that inviter in the channel — issued before
    /// <paramref name="issuedBefore"/>: every later <see cref="TryConsumeAsync"/>, on any node sharing the store, refuses
    /// such a token with <see cref="InvitationLedgerOutcome.Revoked"/>.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="inviter">The inviter whose invitations are revoked, or <see langword="null"/> for every invitation of the channel. It reaches only tokens whose tag covers the inviter (<see cref="InvitationLedgerRequest.Inviter"/>).</param>
    /// <param name="issuedBefore">The cut-off: a token whose signed issued-at is before it is refused. Of an existing and a new cut-off, the later is kept.</param>
    /// <param name="retainUntil">Until when the cut-off must be kept: <paramref name="issuedBefore"/> plus the longest a token may live (<see cref="MixInvitationOptions.MaxLifetime"/>, <see cref="MixInvitationOptions.ExpiryTolerance"/>, <see cref="MixInvitationOptions.LedgerRetentionMargin"/>). Lengthened, never shortened; at or after it nothing is stored (no token it reaches can still be redeemed).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the cut-off is stored.</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> or <paramref name="inviter"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default);

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
    /// <param name="useId">The use's id, as <see cref="TryConsumeAsync"/> returned it (<see cref="InvitationLedgerResult.UseId"/>); given back to the original and to every narrowed copy it was counted against.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the use was outstanding and is given back; <see langword="false"/> when it was not (released already, never issued, or the entry is gone).</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="useId"/> is not positive.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default);
}
