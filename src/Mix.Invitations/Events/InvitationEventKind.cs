namespace Mix.Invitations;

/// <summary>What happened to an invitation (<see cref="InvitationEvent.Kind"/>).</summary>
public enum InvitationEventKind
{
    /// <summary>An invitation was issued (<c>InvitationService.IssueAsync</c>).</summary>
    Issued = 0,

    /// <summary>An invitation was redeemed (<c>InvitationRedeemer.RedeemAsync</c>); see <see cref="InvitationEvent.IsRepeat"/>.</summary>
    Redeemed = 1,

    /// <summary>A redemption was refused after the token's tag verified; see <see cref="InvitationEvent.Reason"/>. Forged or malformed tokens raise nothing.</summary>
    Refused = 2,

    /// <summary>A use was given back (<c>InvitationRedeemer.ReleaseAsync</c>).</summary>
    Released = 3,

    /// <summary>One invitation was revoked (<c>InvitationRedeemer.RevokeAsync</c>).</summary>
    Revoked = 4,

    /// <summary>
    /// The invitations of a channel, or of one inviter in it, issued before <see cref="InvitationEvent.IssuedBefore"/> were
    /// revoked (<c>InvitationRedeemer.RevokeChannelAsync</c>, <c>InvitationRedeemer.RevokeInviterAsync</c>).
    /// </summary>
    RevokedInBulk = 5,

    /// <summary>The invitee acknowledged a genuine invitation without saying what it did (XEP-0407 <c>Acknowledged</c>).</summary>
    Acknowledged = 6,

    /// <summary>The invitee declined a genuine invitation (XEP-0407 <c>Declined</c>).</summary>
    Declined = 7,

    /// <summary>The invitee reported it joined with a genuine invitation (XEP-0407 <c>Joined</c>).</summary>
    Joined = 8,
}
