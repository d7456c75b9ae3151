namespace Mix.Invitations;

/// <summary>The issuance rules of one role (<see cref="InvitationIssuanceOptions.Roles"/>).</summary>
public sealed class InvitationRoleOptions
{
    /// <summary>Gets or sets a value indicating whether the role may invite at all.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool MayInvite { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the role may invite only when the channel allows participants to
    /// (XEP-0406 "Participation Addition by Invitation from Participant", supplied in
    /// <see cref="InvitationIssueRequest.ChannelAllowsParticipantInvitations"/>; a request without it is refused).
    /// </summary>
    /// <value>Default <see langword="false"/>; <see langword="true"/> for <see cref="InvitationRoles.Participant"/>.</value>
    public bool RequiresChannelSetting { get; set; }

    /// <summary>Gets or sets the binding policies the role may issue, by name, or <see langword="null"/> for every enabled policy.</summary>
    /// <value>Default <see langword="null"/>; for example <c>["invitee-bound"]</c> lets the role invite named users only. Each name must be a registered binding policy.</value>
    public IList<string>? AllowedPolicies { get; set; }

    /// <summary>Gets or sets the longest lifetime the role may issue, or <see langword="null"/> for the service's <see cref="MixInvitationOptions.MaxLifetime"/>.</summary>
    /// <value>Default <see langword="null"/>; 7 days for <see cref="InvitationRoles.Participant"/>; 1 second to 3650 days. The shorter of it and <see cref="MixInvitationOptions.MaxLifetime"/> applies.</value>
    public TimeSpan? MaxLifetime { get; set; }

    /// <summary>
    /// Gets or sets the highest use limit the role may issue, or <see langword="null"/> for any. With a cap, a bearer
    /// invitation (one whose policy does not bind the invitee: <c>unbound</c>, <c>inviter-bound</c>) must carry a use
    /// limit: without one it could be used without end.
    /// </summary>
    /// <value>Default <see langword="null"/>; 10 for <see cref="InvitationRoles.Participant"/>; 1 to 65535.</value>
    public int? MaxUses { get; set; }

    /// <summary>Gets or sets how many invitations one inviter of this role may issue per window in one channel, or <see langword="null"/> for no limit.</summary>
    /// <value>Default <see langword="null"/>; 10 per hour for <see cref="InvitationRoles.Participant"/>.</value>
    public InvitationRateLimitOptions? InviterRate { get; set; }
}
