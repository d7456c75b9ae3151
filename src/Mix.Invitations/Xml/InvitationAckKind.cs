namespace Mix.Invitations;

/// <summary>The values of <c>&lt;invitation-ack&gt;&lt;value/&gt;</c> (XEP-0407 §6); on the wire exactly the member names.</summary>
public enum InvitationAckKind
{
    /// <summary><c>Joined</c>: the invitee has joined the channel.</summary>
    Joined = 0,

    /// <summary><c>Declined</c>: the invitee is not taking up the invitation.</summary>
    Declined = 1,

    /// <summary><c>Acknowledged</c>: the invitation is acknowledged, without information on action taken or planned.</summary>
    Acknowledged = 2,
}
