namespace Mix.Invitations;

/// <summary>
/// The optional list of issued invitations, for operators: what was issued in a channel, by whom, for whom, with which
/// label, how many uses are taken and where each stands — so one can be revoked by its id, without the token.
/// Registered only by those who want it (<c>AddInventory()</c>); without it nothing of an issued invitation is stored.
/// </summary>
/// <remarks>
/// <para>
/// <b>Stateless validation stays so.</b> <see cref="IInvitationValidator.TryValidate"/> never reads the inventory,
/// and a redemption writes nothing to it: a record's <see cref="InvitationRecord.Uses"/> and
/// <see cref="InvitationRecord.State"/> are read from the ledger's own state when listed. So the built-in inventories
/// are the ledgers themselves (<see cref="InMemoryInvitationLedger"/>, and the Redis ledger), which know that state.
/// </para>
/// <para>
/// <b>Contract.</b> <see cref="AddAsync"/> is called by <see cref="IInvitationIssuer.IssueAsync"/> after the token is
/// signed and before it is returned: a store that cannot be reached throws <see cref="InvitationLedgerUnavailableException"/>
/// and the issue is refused (<see cref="InvitationIssueRefusalReason.InventoryUnavailable"/>), so no invitation is
/// handed out that the inventory does not list. A record is kept until the retention instant it was added with (its
/// expiry, plus the expiry tolerance, plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/>) and then
/// forgotten with the token's ledger entry. Lists are newest first (issued-at, then token id, both descending), paged
/// by position (<see cref="InvitationInventoryCursor"/>): one page costs O(log n + page), whatever the channel holds.
/// Implementations are thread-safe, and every node sharing a store sees every record.
/// </para>
/// <para>
/// <b>What it stores.</b> The fields the token's tag covers (channel, inviter, invitee, policy, instants, use limit),
/// its id and the issuer's label; never the token, its tag or a key. A JID it lists is stored in clear (the Redis
/// inventory under keys that name no JID): an operator lists addresses.
/// </para>
/// </remarks>
public interface IInvitationInventory
{
    /// <summary>Records an issued invitation until <paramref name="retainUntil"/>. Adding the same token id again changes nothing.</summary>
    /// <param name="record">What the token's claims say, and the label; its <see cref="InvitationRecord.Uses"/> and <see cref="InvitationRecord.State"/> are ignored.</param>
    /// <param name="retainUntil">Until when the record is kept: the token's <see cref="InvitationClaims.AcceptedUntil"/> plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/>. At or after it nothing is stored.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="record"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask AddAsync(InvitationRecord record, DateTimeOffset retainUntil, CancellationToken cancellationToken = default);

    /// <summary>Lists one page of a channel's invitations, newest first.</summary>
    /// <param name="query">The channel, optionally an inviter and a state, the page size and where to continue.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page: at most <see cref="InvitationInventoryQuery.PageSize"/> records, and where the next starts (<see langword="null"/> at the end).</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="query"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<InvitationInventoryPage> ListAsync(InvitationInventoryQuery query, CancellationToken cancellationToken = default);

    /// <summary>Gets one invitation of a channel by its token id, with its uses and state as the ledger has them now.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="tokenId">The token's id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The record, or <see langword="null"/> when the channel has no such invitation (never issued with the inventory registered, or forgotten after its retention).</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when the store cannot be reached.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    ValueTask<InvitationRecord?> GetAsync(Jid channel, InvitationTokenId tokenId, CancellationToken cancellationToken = default);
}
