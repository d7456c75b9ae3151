namespace Mix.Invitations.Internal;

/// <summary>
/// What issuing may await around the signature: the issuance policies before it, the inventory record after it. Without
/// either (the stateless default) nothing awaits, and <see cref="InvitationService.IssueAsync"/> completes synchronously.
/// </summary>
internal sealed class IssueSteps
{
    private readonly IInvitationIssuancePolicy[] _policies;
    private readonly IInvitationInventory? _inventory;
    private readonly InvitationTelemetry _telemetry;

    /// <exception cref="ArgumentNullException">Thrown when <paramref name="policies"/> holds <see langword="null"/>.</exception>
    public IssueSteps(IEnumerable<IInvitationIssuancePolicy>? policies, IInvitationInventory? inventory, InvitationTelemetry telemetry)
    {
        _policies = policies?.ToArray() ?? [];
        foreach (var policy in _policies)
        {
            ArgumentNullException.ThrowIfNull(policy, "issuancePolicies");
        }

        _inventory = inventory;
        _telemetry = telemetry;
    }

    /// <summary>Gets a value indicating whether issuing awaits anything: a policy or the inventory.</summary>
    public bool Await => _policies.Length > 0 || _inventory is not null;

    /// <summary>Runs the policies in order; the first refusal is the decision (and is counted).</summary>
    public async ValueTask<InvitationIssuanceDecision> DecideAsync(InvitationIssuanceContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in _policies)
        {
            var decision = await policy.EvaluateAsync(context, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                _telemetry.IssueRefused(decision.Reason, context.InviterRole, context.Policy.Name);
                return decision;
            }
        }

        return InvitationIssuanceDecision.Allow;
    }

    /// <summary>
    /// Records the signed invitation in the inventory, when there is one, before it is handed out: no invitation exists
    /// that the inventory does not list. A store that cannot be reached refuses the issue.
    /// </summary>
    /// <returns>Allowed, or <see cref="InvitationIssueRefusalReason.InventoryUnavailable"/> (counted).</returns>
    public async ValueTask<InvitationIssuanceDecision> RecordAsync(InvitationIssuanceContext context, InvitationClaims claims, TimeSpan retentionMargin, CancellationToken cancellationToken)
    {
        if (_inventory is null)
        {
            return InvitationIssuanceDecision.Allow;
        }

        try
        {
            await _inventory.AddAsync(Record(claims, context.Request.Label), claims.AcceptedUntil + retentionMargin, cancellationToken).ConfigureAwait(false);
            return InvitationIssuanceDecision.Allow;
        }
        catch (InvitationLedgerUnavailableException)
        {
            _telemetry.IssueRefused(InvitationIssueRefusalReason.InventoryUnavailable, context.InviterRole, context.Policy.Name);
            return InvitationIssuanceDecision.Refuse(InvitationIssueRefusalReason.InventoryUnavailable);
        }
    }

    /// <summary>What the inventory keeps of an invitation: what its tag covers, and the label. Never the token.</summary>
    private static InvitationRecord Record(in InvitationClaims claims, string? label) => new()
    {
        TokenId = claims.TokenId,
        Channel = claims.Channel,
        Inviter = claims.Inviter,
        Invitee = claims.Invitee,
        Policy = claims.Policy,
        IssuedAt = claims.IssuedAt,
        ExpiresAt = claims.ExpiresAt,
        MaxUses = claims.MaxUses,
        Label = label,
    };
}
