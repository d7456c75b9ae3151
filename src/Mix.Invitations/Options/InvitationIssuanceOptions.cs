namespace Mix.Invitations;

/// <summary>
/// The built-in issuance rules (registered with <c>AddIssuanceRules</c>): who may invite, which invitations each role
/// may issue, how often, and how many bearer uses a channel may have open. Bound from <c>MixInvitations:Issuance</c>.
/// </summary>
/// <remarks>
/// <para>
/// Rules are per role, by the name the server supplies in <see cref="InvitationIssueRequest.InviterRole"/>. A role in
/// <see cref="ExemptRoles"/> is subject to none of them (owners and administrators by default). A role without an entry
/// in <see cref="Roles"/> follows the rules of <see cref="InvitationRoles.Other"/>, and a request without a role is
/// <see cref="InvitationRoles.Other"/>'s — which may not invite by default, so a server that forgets to supply the
/// role is refused rather than let through.
/// </para>
/// <para>
/// Defaults: participants may invite when the channel's XEP-0406 setting allows it, for at most 7 days and 10 uses
/// (an unbound invitation must carry a use limit), 10 invitations per inviter per hour; anyone else may not invite;
/// a channel issues at most 100 invitations per hour and has at most 1,000 bearer uses open.
/// </para>
/// </remarks>
public sealed class InvitationIssuanceOptions
{
    /// <summary>Gets or sets the roles no issuance rule applies to.</summary>
    /// <value>Default <see langword="null"/>, which means <see cref="InvitationRoles.Owner"/> and <see cref="InvitationRoles.Administrator"/>; an empty list exempts no role.</value>
    public IList<string>? ExemptRoles { get; set; }

    /// <summary>Gets the rules of each role, by role name (ordinal, case-sensitive).</summary>
    /// <value>By default <see cref="InvitationRoles.Participant"/> and <see cref="InvitationRoles.Other"/>, as the class remarks say; configuration changes or adds entries.</value>
    public IDictionary<string, InvitationRoleOptions> Roles { get; } = new Dictionary<string, InvitationRoleOptions>(StringComparer.Ordinal)
    {
        [InvitationRoles.Participant] = new()
        {
            RequiresChannelSetting = true,
            MaxLifetime = TimeSpan.FromDays(7),
            MaxUses = 10,
            InviterRate = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) },
        },
        [InvitationRoles.Other] = new() { MayInvite = false },
    };

    /// <summary>Gets or sets how many invitations one channel may issue per window, whoever issues them (exempt roles aside), or <see langword="null"/> for no limit.</summary>
    /// <value>Default 100 per hour.</value>
    public InvitationRateLimitOptions? ChannelRate { get; set; } = new() { PermitLimit = 100, Window = TimeSpan.FromHours(1) };

    /// <summary>
    /// Gets or sets how many uses the live use-limited bearer invitations of one channel (those whose policy does not
    /// bind the invitee: <c>unbound</c>, <c>inviter-bound</c>) may allow in all, exempt roles aside, or
    /// <see langword="null"/> for no cap. Needs a ledger that keeps reservations (<see cref="IInvitationUseReservations"/>:
    /// the in-memory and Redis ledgers do); with <c>AddIssuanceRules</c> and no such store, start-up fails.
    /// </summary>
    /// <value>Default 1,000; 1 to 10,000,000.</value>
    public int? MaxOutstandingBearerUses { get; set; } = 1_000;
}
