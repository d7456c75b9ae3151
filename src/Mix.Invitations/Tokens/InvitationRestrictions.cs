namespace Mix.Invitations;

/// <summary>
/// How to narrow an invitation (<see cref="InvitationNarrowing.Narrow"/>): each set property appends one restriction, and
/// every restriction can only refuse, so the narrowed copy admits nobody the original would not.
/// </summary>
/// <remarks>
/// Set at least one. They are appended in the order grants, uses, expiry, invitee; a token carries at most
/// <see cref="InvitationNarrowing.MaxRestrictions"/> restrictions in all, over every narrowing it went through.
/// </remarks>
public sealed record InvitationRestrictions
{
    /// <summary>Gets the one user who may redeem the copy, or <see langword="null"/>. Its bare form is kept; the copy names it as its invitee (<c>&lt;invitee&gt;</c>, <c>invitee=</c>), and must travel with it.</summary>
    public Jid? Invitee { get; init; }

    /// <summary>Gets an expiry earlier than the token's current one, or <see langword="null"/>. Kept in whole seconds, rounded down (never later than asked).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets how many uses the copy may take, fewer than the token's current limit (1–65535), or <see langword="null"/>. The copy's uses still count against the original's.</summary>
    public int? MaxUses { get; init; }

    /// <summary>Gets the grant kinds the copy keeps (others are dropped), or <see langword="null"/> to keep every kind. Needs a token with grants.</summary>
    public InvitationGrantKinds? KeepGrants { get; init; }

    /// <summary>Gets the nodes the copy's nodes grant keeps, or <see langword="null"/> to keep every node. Needs a token with grants.</summary>
    public MixNodes? KeepNodes { get; init; }
}
