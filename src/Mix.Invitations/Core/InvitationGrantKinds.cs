namespace Mix.Invitations;

/// <summary>The kinds of grant a token may carry (<see cref="InvitationGrants"/>): what a narrowing keeps (<see cref="InvitationRestrictions.KeepGrants"/>).</summary>
[Flags]
public enum InvitationGrantKinds : byte
{
    /// <summary>No kind.</summary>
    None = 0,

    /// <summary>The role (<see cref="InvitationGrants.Role"/>).</summary>
    Role = 1 << 0,

    /// <summary>The nodes (<see cref="InvitationGrants.Nodes"/>).</summary>
    Nodes = 1 << 1,

    /// <summary>The reserved nick (<see cref="InvitationGrants.Nick"/>).</summary>
    Nick = 1 << 2,

    /// <summary>The label (<see cref="InvitationGrants.Label"/>).</summary>
    Label = 1 << 3,
}
