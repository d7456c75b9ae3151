using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>What a verified token says: its policy, key, time window, use limit and id, the channel, and the inviter and invitee it binds.</summary>
/// <remarks>Only <see cref="InvitationValidationResult.Claims"/> of a valid result holds meaningful values.</remarks>
public readonly struct InvitationClaims
{
    /// <summary>Initializes a new set of claims.</summary>
    /// <param name="policy">The binding policy's name.</param>
    /// <param name="policyId">The binding policy's id, as signed in the token.</param>
    /// <param name="keyId">The id of the ring key that signed the token.</param>
    /// <param name="issuedAt">When the token was issued (whole seconds).</param>
    /// <param name="expiresAt">When the token expires (whole seconds).</param>
    /// <param name="acceptedUntil">Until when the validator that verified the token accepts it: <paramref name="expiresAt"/> plus its expiry tolerance; not before <paramref name="expiresAt"/>.</param>
    /// <param name="maxUses">The use limit, or 0 when the token is not use-limited.</param>
    /// <param name="tokenId">The token's id for the redemption ledger.</param>
    /// <param name="channel">The channel the token admits to.</param>
    /// <param name="inviter">The inviter the token's tag covers (bare), or <see langword="null"/> when its policy does not bind the inviter.</param>
    /// <param name="invitee">The invitee the token's tag covers (bare), or <see langword="null"/> when its policy does not bind the invitee.</param>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="acceptedUntil"/> is before <paramref name="expiresAt"/>.</exception>
    public InvitationClaims(string policy, byte policyId, int keyId, DateTimeOffset issuedAt, DateTimeOffset expiresAt, DateTimeOffset acceptedUntil, int maxUses, InvitationTokenId tokenId, Jid channel, Jid? inviter, Jid? invitee)
        : this(policy, policyId, keyId, issuedAt, expiresAt, acceptedUntil < expiresAt ? throw new ArgumentOutOfRangeException(nameof(acceptedUntil), "A token cannot be accepted for less time than it lives.") : (acceptedUntil - expiresAt).Ticks, maxUses, tokenId, channel, inviter, invitee)
    {
    }

    private InvitationClaims(string policy, byte policyId, int keyId, DateTimeOffset issuedAt, DateTimeOffset expiresAt, long toleranceTicks, int maxUses, InvitationTokenId tokenId, Jid channel, Jid? inviter, Jid? invitee)
    {
        Inviter = inviter;
        Invitee = invitee;
        _toleranceTicks = toleranceTicks;
        Policy = policy;
        PolicyId = policyId;
        KeyId = keyId;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
        MaxUses = maxUses;
        _id = tokenId;
        Channel = channel;
    }

    /// <summary>Initializes the claims of a token that just verified, keeping its tag to compute the id when asked.</summary>
    /// <remarks>
    /// Validation does not hash the tag: most validations never need the id, and a SHA-256 would cost a quarter of a
    /// validation. The tag stays inside this struct, never exposed; <see cref="TokenId"/> derives the id from it.
    /// </remarks>
    internal InvitationClaims(string policy, byte policyId, int keyId, DateTimeOffset issuedAt, DateTimeOffset expiresAt, long toleranceTicks, int maxUses, ReadOnlySpan<byte> tag, Jid channel, Jid? inviter, Jid? invitee, ClaimsExtras? extras = null)
        : this(policy, policyId, keyId, issuedAt, expiresAt, toleranceTicks, maxUses, new InvitationTokenId(tag), channel, inviter, invitee)
    {
        _idIsTag = true;
        _extras = extras;
    }

    /// <summary>What only tokens with grants or restrictions say; <see langword="null"/> for the others, so plain claims stay small and validation allocation-free.</summary>
    private readonly ClaimsExtras? _extras;

    private readonly InvitationTokenId _id;

    /// <summary>How long past <see cref="ExpiresAt"/> the validator accepts the token, in ticks; kept as ticks, not as a second instant, to keep the struct small.</summary>
    private readonly long _toleranceTicks;

    /// <summary>Whether <see cref="_id"/> holds the token's tag rather than its id.</summary>
    private readonly bool _idIsTag;

    /// <summary>Gets the binding policy's name, for example <c>invitee-bound</c>.</summary>
    public string Policy { get; }

    /// <summary>Gets the binding policy's id, as signed in the token.</summary>
    public byte PolicyId { get; }

    /// <summary>Gets the id of the ring key that signed the token.</summary>
    public int KeyId { get; }

    /// <summary>Gets when the token was issued, in whole seconds.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Gets when the token expires, in whole seconds.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// Gets until when the validator that verified the token accepts it: <see cref="ExpiresAt"/> plus its
    /// <see cref="MixInvitationOptions.ExpiryTolerance"/>. A ledger keeps what it knows of the token at least this long.
    /// </summary>
    public DateTimeOffset AcceptedUntil => ExpiresAt.AddTicks(_toleranceTicks);

    /// <summary>Gets the number of uses the token allows, or 0 when it is not use-limited.</summary>
    /// <value>1 for a single-use token; 0 for a token that the ledger does not need to count.</value>
    public int MaxUses { get; }

    /// <summary>Gets a value indicating whether the token carries a use limit, and so needs a ledger to enforce it: its own (<see cref="MaxUses"/>), or a narrowed copy's along its chain (<see cref="CopyLimits"/>).</summary>
    public bool IsUseLimited => MaxUses > 0 || _extras?.CopyLimits is not null;

    /// <summary>Gets the token's id: what logs, telemetry and the ledger name it by, a one-way hash that reveals nothing about the token.</summary>
    /// <remarks>For claims that validation produced, each read computes the id (one SHA-256 of 44 bytes): keep it in a local when it is needed more than once.</remarks>
    public InvitationTokenId TokenId => _idIsTag ? FromTag(_id) : _id;

    /// <summary>Gets the channel the token admits to.</summary>
    public Jid Channel { get; }

    /// <summary>
    /// Gets the inviter the token's tag covers, as a bare JID: set only when the token's policy binds the inviter
    /// (<see cref="InvitationBinding.Inviter"/>), so that it is authentic; <see langword="null"/> otherwise, even when the
    /// presented invitation names an inviter.
    /// </summary>
    /// <remarks>What an inviter's bulk revocation (<see cref="InvitationRedeemer.RevokeInviterAsync"/>) is compared with.</remarks>
    public Jid? Inviter { get; }

    /// <summary>
    /// Gets the invitee the token's tag covers, as a bare JID: set only when the token's policy binds the invitee
    /// (<see cref="InvitationBinding.Invitee"/>) or a narrowing restricted it to that invitee
    /// (<see cref="IsInviteeRestricted"/>); <see langword="null"/> otherwise.
    /// </summary>
    public Jid? Invitee { get; }

    /// <summary>
    /// Gets what redeeming the token grants, signed into it, after any narrowing removed some
    /// (<see cref="InvitationRestrictions.KeepGrants"/>); <see langword="null"/> when it grants nothing.
    /// </summary>
    /// <remarks>A server applies them on join and refuses grants it cannot honour (see <see cref="InvitationGrants"/>).</remarks>
    public InvitationGrants? Grants => _extras?.Grants;

    /// <summary>Gets how many restrictions holders of the token appended offline (<see cref="InvitationNarrowing"/>); 0 for a token as issued.</summary>
    public int RestrictionCount => _extras?.RestrictionCount ?? 0;

    /// <summary>Gets a value indicating whether the token is a narrowed copy (<see cref="RestrictionCount"/> is positive).</summary>
    public bool IsNarrowed => RestrictionCount > 0;

    /// <summary>
    /// Gets when the token stops being valid: <see cref="ExpiresAt"/>, or an earlier expiry a narrowing set. Validation
    /// refuses the token as expired from this instant plus the expiry tolerance; the ledger keeps the original's entry
    /// until <see cref="AcceptedUntil"/>, from the original's expiry, since the original may still be redeemed.
    /// </summary>
    public DateTimeOffset EffectiveExpiresAt => _extras?.ExpiresAt ?? ExpiresAt;

    /// <summary>
    /// Gets a value indicating whether a narrowing bound the token to the presented invitee: then <see cref="Invitee"/> is
    /// set (the chain covers it), and only that invitee may redeem, whatever the policy admits.
    /// </summary>
    public bool IsInviteeRestricted => _extras?.InviteeRestricted ?? false;

    /// <summary>
    /// Gets the use limits of the narrowed copies along the token's chain, one per uses restriction: a ledger counts a
    /// use against the original and each of them in one decision (<see cref="InvitationLedgerRequest.CopyLimits"/>).
    /// </summary>
    public ReadOnlyMemory<InvitationCopyLimit> CopyLimits => _extras?.CopyLimits ?? default;

    private static InvitationTokenId FromTag(in InvitationTokenId tag)
    {
        Span<byte> bytes = stackalloc byte[InvitationTokenId.Size];
        tag.CopyTo(bytes);
        return InvitationTokenId.FromTag(bytes);
    }
}
