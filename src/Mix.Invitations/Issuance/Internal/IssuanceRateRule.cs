namespace Mix.Invitations.Internal;

/// <summary>
/// The second built-in rule, of rates: the role's <see cref="InvitationRoleOptions.InviterRate"/> per inviter per
/// channel, then <see cref="InvitationIssuanceOptions.ChannelRate"/> per channel. Its state is the limiter's: fixed
/// windows keyed by hashed partitions.
/// </summary>
/// <remarks>
/// The inviter's rate is taken first, so that an inviter over their own rate spends none of the channel's permits
/// (one participant cannot exhaust the channel's rate for everyone else). A permit taken is not given back when a
/// later rule refuses. A request without an inviter, from a role that has an inviter rate, is refused as
/// <see cref="InvitationIssueRefusalReason.InviterNotAllowed"/>: it cannot be counted, and is not let through uncounted.
/// </remarks>
internal sealed class IssuanceRateRule(Func<InvitationIssuanceOptions> options, IInvitationIssuanceLimiter limiter) : IInvitationIssuancePolicy
{
    public ValueTask<InvitationIssuanceDecision> EvaluateAsync(InvitationIssuanceContext context, CancellationToken cancellationToken)
    {
        var current = options();
        if (IssuanceRoles.IsExempt(current, context))
        {
            return new(InvitationIssuanceDecision.Allow);
        }

        var inviterRate = IssuanceRoles.RulesOf(current, context).InviterRate;
        var channelRate = current.ChannelRate;
        if (inviterRate is not null && context.Request.Inviter is null)
        {
            return new(InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.InviterNotAllowed));
        }

        return inviterRate is null && channelRate is null
            ? new(InvitationIssuanceDecision.Allow)
            : AcquireAsync(context, inviterRate, channelRate, cancellationToken);
    }

    private async ValueTask<InvitationIssuanceDecision> AcquireAsync(InvitationIssuanceContext context, InvitationRateLimitOptions? inviterRate, InvitationRateLimitOptions? channelRate, CancellationToken cancellationToken)
    {
        var channel = context.Request.Channel;
        if (inviterRate is not null)
        {
            var partition = IssuanceRoles.InviterPartition(channel, context.Request.Inviter!.Value);
            var result = await limiter.TryAcquireAsync(partition, inviterRate.PermitLimit, inviterRate.Window, cancellationToken).ConfigureAwait(false);
            if (!result.IsAcquired)
            {
                return Refusal(result, InvitationIssueRefusalReason.InviterRateExceeded);
            }
        }

        if (channelRate is not null)
        {
            var result = await limiter.TryAcquireAsync(IssuanceRoles.ChannelPartition(channel), channelRate.PermitLimit, channelRate.Window, cancellationToken).ConfigureAwait(false);
            if (!result.IsAcquired)
            {
                return Refusal(result, InvitationIssueRefusalReason.ChannelRateExceeded);
            }
        }

        return InvitationIssuanceDecision.Allow;
    }

    private static InvitationIssuanceDecision Refusal(InvitationLimitResult result, InvitationIssueRefusalReason exceeded) =>
        result.IsUnavailable
            ? InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.LimiterUnavailable)
            : InvitationIssuanceDecision.Refuse(exceeded, result.RetryAfter);
}
