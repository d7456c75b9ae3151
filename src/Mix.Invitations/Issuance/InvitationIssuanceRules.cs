using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The built-in issuance rules of <see cref="MixInvitationOptions.Issuance"/>, for a service made without dependency
/// injection (the <c>issuancePolicies</c> of <c>InvitationService.Create</c>); <c>AddIssuanceRules</c> registers the
/// same rules in a container.
/// </summary>
/// <remarks>
/// <para>
/// Three rules, in this order, each skipped for a role in <see cref="InvitationIssuanceOptions.ExemptRoles"/> (owners
/// and administrators by default); a role without an entry in <see cref="InvitationIssuanceOptions.Roles"/> follows
/// <see cref="InvitationRoles.Other"/>'s rules, and a request without a role is <see cref="InvitationRoles.Other"/>:
/// </para>
/// <list type="number">
/// <item>Rights (no state): <see cref="InvitationRoleOptions.MayInvite"/>; <see cref="InvitationRoleOptions.RequiresChannelSetting"/>
/// against <see cref="InvitationIssueRequest.ChannelAllowsParticipantInvitations"/> (unknown is refused);
/// <see cref="InvitationRoleOptions.AllowedPolicies"/>; <see cref="InvitationRoleOptions.MaxLifetime"/>;
/// <see cref="InvitationRoleOptions.MaxUses"/>, under which a bearer invitation (one whose policy does not bind the
/// invitee: <c>unbound</c> or <c>inviter-bound</c>) must carry a use limit.</item>
/// <item>Rates (the limiter's state): the role's <see cref="InvitationRoleOptions.InviterRate"/> per inviter per
/// channel, then <see cref="InvitationIssuanceOptions.ChannelRate"/> per channel. A request without an inviter from a
/// role with an inviter rate is refused as <see cref="InvitationIssueRefusalReason.InviterNotAllowed"/>.</item>
/// <item>Outstanding bearer uses (the reservations' state): a use-limited bearer invitation reserves its uses until it
/// expires, within <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/> per channel.</item>
/// </list>
/// <para>
/// The first refusal ends the evaluation, so a request refused for its rights spends no permit, and one refused for
/// its rate reserves no use. A store that cannot be reached refuses as
/// <see cref="InvitationIssueRefusalReason.LimiterUnavailable"/> (fail closed). The rules read the options on every
/// issue, so changes to the object apply to the next issue.
/// </para>
/// </remarks>
public static class InvitationIssuanceRules
{
    /// <summary>The configuration path of <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/>, for messages.</summary>
    internal const string MaxOutstandingBearerUsesPath = "MixInvitations:Issuance:MaxOutstandingBearerUses";

    /// <summary>Creates the built-in rules, in their fixed order: rights, rates, outstanding bearer uses.</summary>
    /// <param name="options">The options whose <see cref="MixInvitationOptions.Issuance"/> the rules read on every issue (validated by <c>InvitationService.Create</c>).</param>
    /// <param name="limiter">Counts the rates: an <see cref="InMemoryIssuanceLimiter"/> for one node, a shared one for several.</param>
    /// <param name="reservations">Keeps the outstanding bearer uses (a ledger that implements <see cref="IInvitationUseReservations"/>); required when <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/> is set (1,000 by default).</param>
    /// <returns>The three rules, to pass as <c>issuancePolicies</c> (before any of the server's own, to run first).</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> or <paramref name="limiter"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/> is set and <paramref name="reservations"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<IInvitationIssuancePolicy> Create(MixInvitationOptions options, IInvitationIssuanceLimiter limiter, IInvitationUseReservations? reservations = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limiter);
        if (options.Issuance.MaxOutstandingBearerUses is not null && reservations is null)
        {
            throw new InvalidOperationException(MissingReservationsMessage(options.Issuance.MaxOutstandingBearerUses.Value));
        }

        var issuance = options.Issuance;
        return Create(() => issuance, limiter, reservations);
    }

    /// <summary>Creates the rules over options read anew on every issue (the options monitor's current value).</summary>
    internal static IInvitationIssuancePolicy[] Create(Func<InvitationIssuanceOptions> options, IInvitationIssuanceLimiter limiter, IInvitationUseReservations? reservations) =>
        [new IssuanceRightsRule(options), new IssuanceRateRule(options, limiter), new OutstandingBearerUsesRule(options, reservations)];

    /// <summary>The message of a cap on outstanding bearer uses without a store to keep them.</summary>
    internal static string MissingReservationsMessage(int cap) =>
        $"{MaxOutstandingBearerUsesPath} is {cap}, but no store keeps use reservations: register a ledger that implements IInvitationUseReservations (the in-memory and Redis ledgers do), or set it to null for no cap.";
}
