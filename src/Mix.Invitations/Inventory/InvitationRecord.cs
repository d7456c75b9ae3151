namespace Mix.Invitations;

/// <summary>
/// One issued invitation as an <see cref="IInvitationInventory"/> keeps and lists it: what its tag covers, the label the
/// issuer gave, and — when listed — its uses so far and its state. Never the token.
/// </summary>
/// <remarks>
/// The fields a token's tag covers (id, channel, addresses, policy, instants, use limit) come from its claims at issue.
/// <see cref="Uses"/> and <see cref="State"/> are read from the ledger when the record is listed or got;
/// <see cref="IInvitationInventory.AddAsync"/> ignores them. Instances are immutable.
/// </remarks>
public sealed class InvitationRecord
{
    /// <summary>Gets the token's id (<see cref="InvitationClaims.TokenId"/>): what an operator revokes by.</summary>
    public required InvitationTokenId TokenId { get; init; }

    /// <summary>Gets the bare channel the invitation admits to.</summary>
    public required Jid Channel { get; init; }

    /// <summary>Gets the inviter the tag covers, or <see langword="null"/> when it binds none.</summary>
    public Jid? Inviter { get; init; }

    /// <summary>Gets the invitee the tag covers, or <see langword="null"/> when it binds none.</summary>
    public Jid? Invitee { get; init; }

    /// <summary>Gets the binding policy's name, for example <c>unbound</c>.</summary>
    public required string Policy { get; init; }

    /// <summary>Gets when the token was issued, as its tag says (whole seconds).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Gets when the token expires, as its tag says (whole seconds).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the token's use limit, or 0 for none.</summary>
    public int MaxUses { get; init; }

    /// <summary>Gets how many of its uses are taken and not given back (0 for a token without a use limit, which the ledger does not count).</summary>
    public int Uses { get; init; }

    /// <summary>Gets where the invitation stands when it was read.</summary>
    public InvitationState State { get; init; }

    /// <summary>Gets the short label the issuer gave (<see cref="InvitationIssueRequest.Label"/>), or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Gets the position of this record in its channel's list, to continue a listing after it.</summary>
    public InvitationInventoryCursor Position => new(IssuedAt, TokenId);

    /// <summary>A copy with the uses and state read from the ledger.</summary>
    internal InvitationRecord With(int uses, InvitationState state) => new()
    {
        TokenId = TokenId,
        Channel = Channel,
        Inviter = Inviter,
        Invitee = Invitee,
        Policy = Policy,
        IssuedAt = IssuedAt,
        ExpiresAt = ExpiresAt,
        MaxUses = MaxUses,
        Label = Label,
        Uses = uses,
        State = state,
    };

    /// <summary>Where an invitation stands, from what a ledger holds — the one rule every inventory applies: revoked first, then expired, then exhausted.</summary>
    /// <param name="revoked">Whether the token is revoked, one by one or by a cut-off that reaches its issued-at.</param>
    /// <param name="uses">Its outstanding uses.</param>
    /// <param name="maxUses">Its use limit, or 0 for none.</param>
    /// <param name="expiresAt">Its expiry.</param>
    /// <param name="now">The ledger's clock: at or after <paramref name="expiresAt"/> the invitation is expired.</param>
    /// <returns>The state.</returns>
    public static InvitationState StateOf(bool revoked, int uses, int maxUses, DateTimeOffset expiresAt, DateTimeOffset now) =>
        revoked ? InvitationState.Revoked
        : now >= expiresAt ? InvitationState.Expired
        : maxUses > 0 && uses >= maxUses ? InvitationState.Exhausted
        : InvitationState.Active;
}
