namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// Shortcuts for tests that look only at the outcome: the public API's <c>TryValidate</c> returns a bool and the
/// result through <c>out</c>, and a bare token is an <see cref="Invitation"/> made with <see cref="Invitation.FromToken"/>.
/// Tests of those shapes themselves call the API directly.
/// </summary>
internal static class ValidationShortcuts
{
    /// <summary>The result of <see cref="IInvitationValidator.TryValidate"/>, checking that its bool agrees with it.</summary>
    public static InvitationValidationResult Check(this IInvitationValidator validator, Invitation invitation, InvitationContext context)
    {
        var valid = validator.TryValidate(invitation, context, out var result);
        if (valid != result.IsValid)
        {
            throw new InvalidOperationException($"TryValidate returned {valid} with a result that says IsValid = {result.IsValid}.");
        }

        return result;
    }

    /// <summary>Validates a bare token for the context's channel.</summary>
    public static InvitationValidationResult CheckToken(this IInvitationValidator validator, string token, InvitationContext context) =>
        validator.Check(Invitation.FromToken(context.Channel, token), context);

    /// <summary>Redeems a bare token for the context's channel.</summary>
    public static ValueTask<InvitationRedemptionResult> RedeemBearerAsync(this InvitationRedeemer redeemer, string token, InvitationContext context, CancellationToken cancellationToken = default) =>
        redeemer.RedeemAsync(Invitation.FromToken(context.Channel, token), context, cancellationToken);

    /// <summary>Revokes a bare token of a channel.</summary>
    public static ValueTask<InvitationValidationResult> RevokeBearerAsync(this InvitationRedeemer redeemer, string token, Jid channel, CancellationToken cancellationToken = default) =>
        redeemer.RevokeAsync(Invitation.FromToken(channel, token), cancellationToken);

    /// <summary>Issues and keeps only the token.</summary>
    public static string MintToken(this IInvitationIssuer issuer, InvitationIssueRequest request) => IssueShortcuts.Issue(issuer, request).Token;
}
