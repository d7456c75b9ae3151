namespace Mix.Invitations;

/// <summary>
/// A rule about who may issue which invitations, how often and how many: consulted by
/// <see cref="IInvitationIssuer.IssueAsync"/> before a token is made.
/// </summary>
/// <remarks>
/// <para>
/// Several may be registered, and all must allow: they run in registration order, and the first refusal is the
/// result (later policies are not asked). The built-in rules (<c>AddIssuanceRules</c>) run in a fixed order: rights
/// first, then rates, then the outstanding-uses cap, so that a request refused for its rights spends no permit.
/// </para>
/// <para>
/// Runs once per issue, on the issuing thread, and must be thread-safe. A refusal is an ordinary result, never an
/// exception; an exception (other than cancellation) is a bug and surfaces to the caller of <c>IssueAsync</c>. A
/// policy that depends on a store it cannot reach refuses with <see cref="InvitationIssueRefusalReason.LimiterUnavailable"/>:
/// issuing unchecked is never the answer.
/// </para>
/// </remarks>
public interface IInvitationIssuancePolicy
{
    /// <summary>Decides whether the invitation may be issued.</summary>
    /// <param name="context">The request and what issuing resolved from it (policy, lifetime, instant).</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns><see cref="InvitationIssuanceDecision.Allow"/>, or a refusal with its reason (and a retry-after for rates).</returns>
    ValueTask<InvitationIssuanceDecision> EvaluateAsync(InvitationIssuanceContext context, CancellationToken cancellationToken);
}
