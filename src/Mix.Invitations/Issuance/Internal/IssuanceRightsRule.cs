namespace Mix.Invitations.Internal;

/// <summary>
/// The first built-in rule, of rights: whether the role may invite at all (and, when it needs it, whether the channel's
/// XEP-0406 setting lets participants), which binding policies it may issue, for how long and for how many uses.
/// Keeps no state.
/// </summary>
internal sealed class IssuanceRightsRule(Func<InvitationIssuanceOptions> options) : IInvitationIssuancePolicy
{
    public ValueTask<InvitationIssuanceDecision> EvaluateAsync(InvitationIssuanceContext context, CancellationToken cancellationToken) =>
        new(Decide(options(), context));

    private static InvitationIssuanceDecision Decide(InvitationIssuanceOptions options, in InvitationIssuanceContext context)
    {
        if (IssuanceRoles.IsExempt(options, context))
        {
            return InvitationIssuanceDecision.Allow;
        }

        var rules = IssuanceRoles.RulesOf(options, context);
        if (!rules.MayInvite)
        {
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.InviterNotAllowed);
        }

        if (rules.RequiresChannelSetting && context.Request.ChannelAllowsParticipantInvitations != true)
        {
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations);
        }

        if (rules.AllowedPolicies is { } allowed && !Contains(allowed, context.Policy.Name))
        {
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.PolicyNotAllowed);
        }

        if (rules.MaxLifetime is { } maxLifetime && context.Lifetime > maxLifetime)
        {
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.LifetimeTooLong);
        }

        if (rules.MaxUses is { } maxUses
            && (context.Request.MaxUses is { } uses ? uses > maxUses : IssuanceRoles.IsBearer(context.Policy)))
        {
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.TooManyUses);
        }

        return InvitationIssuanceDecision.Allow;
    }

    private static bool Contains(IList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
