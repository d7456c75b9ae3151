namespace Mix.Invitations;

/// <summary>
/// The names of the roles an inviter may hold in a channel, as the server supplies them in
/// <see cref="InvitationIssueRequest.InviterRole"/>. The set is open: a server may name any other role and configure
/// rules for it; these four are the ones XEP-0369 and XEP-0406 speak of.
/// </summary>
public static class InvitationRoles
{
    /// <summary>The channel's owner (XEP-0369 §6.3 "Owners").</summary>
    public const string Owner = "owner";

    /// <summary>A channel administrator (XEP-0369 §6.3 "Administrators").</summary>
    public const string Administrator = "administrator";

    /// <summary>A participant of the channel.</summary>
    public const string Participant = "participant";

    /// <summary>Anyone else: not a participant of the channel. A request without a role is treated as this one.</summary>
    public const string Other = "other";
}
