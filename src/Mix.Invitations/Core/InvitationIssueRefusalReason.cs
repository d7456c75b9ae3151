namespace Mix.Invitations;

/// <summary>Why an issuance policy refused to issue an invitation.</summary>
/// <remarks>
/// Refusals of rights (<see cref="InviterNotAllowed"/> to <see cref="TooManyUses"/>, and <see cref="Refused"/>) map to
/// <c>auth/forbidden</c>; refusals of rate or capacity (<see cref="InviterRateExceeded"/> to
/// <see cref="LimiterUnavailable"/>, and <see cref="InventoryUnavailable"/>) to <c>wait/resource-constraint</c>, with a retry-after where one is known.
/// </remarks>
public enum InvitationIssueRefusalReason
{
    /// <summary>Not refused: the invitation was issued.</summary>
    None = 0,

    /// <summary>The inviter's role may not invite to this channel.</summary>
    InviterNotAllowed = 1,

    /// <summary>The channel does not let participants invite (XEP-0406 "Participation Addition by Invitation from Participant" is off).</summary>
    ChannelForbidsParticipantInvitations = 2,

    /// <summary>The inviter's role may not issue invitations of the requested binding policy.</summary>
    PolicyNotAllowed = 3,

    /// <summary>The requested lifetime is longer than the inviter's role may issue.</summary>
    LifetimeTooLong = 4,

    /// <summary>The requested use limit is higher than the inviter's role may issue (or the request asks for no limit where the role must set one).</summary>
    TooManyUses = 5,

    /// <summary>The inviter issued as many invitations as allowed in the current window.</summary>
    InviterRateExceeded = 6,

    /// <summary>The channel issued as many invitations as allowed in the current window.</summary>
    ChannelRateExceeded = 7,

    /// <summary>The channel's live bearer invitations already allow as many uses as it may have outstanding.</summary>
    OutstandingUsesExceeded = 8,

    /// <summary>The store that counts issuance (for example Redis) could not be reached: refused rather than issued unchecked.</summary>
    LimiterUnavailable = 9,

    /// <summary>A server-defined issuance policy refused, for a reason of rights.</summary>
    Refused = 10,

    /// <summary>The inventory (<see cref="IInvitationInventory"/>) could not record the invitation: refused rather than handed out unlisted.</summary>
    InventoryUnavailable = 11,
}
