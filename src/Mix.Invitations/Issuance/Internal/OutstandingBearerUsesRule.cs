namespace Mix.Invitations.Internal;

/// <summary>
/// The third built-in rule: a channel's live bearer invitations may allow at most
/// <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/> uses in all. Its state is the reservations store's
/// (the ledger's): each use-limited bearer invitation reserves its use limit until it expires.
/// </summary>
/// <remarks>
/// Only bearer invitations (<see cref="IssuanceRoles.IsBearer"/>) that carry a use limit are counted: one without a
/// limit cannot be counted, and the role's <see cref="InvitationRoleOptions.MaxUses"/> is what forbids it. Without a
/// reservations store (possible only after a reload set the cap, as <c>InvitationIssuanceRules.Create</c> and
/// start-up validation refuse it) the rule refuses as <see cref="InvitationIssueRefusalReason.LimiterUnavailable"/>.
/// </remarks>
internal sealed class OutstandingBearerUsesRule(Func<InvitationIssuanceOptions> options, IInvitationUseReservations? reservations) : IInvitationIssuancePolicy
{
    public ValueTask<InvitationIssuanceDecision> EvaluateAsync(InvitationIssuanceContext context, CancellationToken cancellationToken)
    {
        var current = options();
        if (current.MaxOutstandingBearerUses is not { } capacity
            || context.Request.MaxUses is not { } uses
            || !IssuanceRoles.IsBearer(context.Policy)
            || IssuanceRoles.IsExempt(current, context))
        {
            return new(InvitationIssuanceDecision.Allow);
        }

        return reservations is null
            ? new(InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.LimiterUnavailable))
            : ReserveAsync(reservations, context, uses, capacity, cancellationToken);
    }

    private static async ValueTask<InvitationIssuanceDecision> ReserveAsync(IInvitationUseReservations store, InvitationIssuanceContext context, int uses, int capacity, CancellationToken cancellationToken)
    {
        var result = await store.TryReserveAsync(context.Request.Channel.Bare, uses, capacity, context.Now + context.Lifetime, cancellationToken).ConfigureAwait(false);
        return result.IsAcquired ? InvitationIssuanceDecision.Allow
            : result.IsUnavailable ? InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.LimiterUnavailable)
            : InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.OutstandingUsesExceeded, result.RetryAfter);
    }
}
