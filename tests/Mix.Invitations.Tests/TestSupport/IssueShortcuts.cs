namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// Issuing for tests that need an invitation, not the issue itself: <see cref="IInvitationIssuer.IssueAsync"/>
/// completes synchronously when no issuance policy waits on a store, and a refusal here is a test bug. Tests of
/// issuing and of its refusals call <c>IssueAsync</c> directly.
/// </summary>
internal static class IssueShortcuts
{
    /// <summary>Issues, and throws when an issuance policy refused.</summary>
    public static IssuedInvitation Issue(this IInvitationIssuer issuer, InvitationIssueRequest request)
    {
        var pending = issuer.IssueAsync(request, TestContext.Current.CancellationToken);
        var result = pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        return result.IsIssued ? result.Issued : throw new InvalidOperationException($"The test expected an issued invitation: {result}.");
    }
}
