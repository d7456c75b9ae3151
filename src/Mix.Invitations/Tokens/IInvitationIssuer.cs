namespace Mix.Invitations;

/// <summary>Issues invitations carrying a stateless token.</summary>
public interface IInvitationIssuer
{
    /// <summary>
    /// Issues an invitation: normalised bare JIDs, the policy's bound fields, and a token signed by the newest active
    /// key — after every registered <see cref="IInvitationIssuancePolicy"/> allowed it.
    /// </summary>
    /// <param name="request">What to issue, with the inviter's role as the server knows it.</param>
    /// <param name="cancellationToken">Cancels the issuance policies' wait for their stores.</param>
    /// <returns>
    /// The invitation, ready to send as XEP-0407 XML or as a link, with what was signed into its token (expiry, key
    /// id, token id…), so nothing needs validating again to show or store it; or the refusal of an issuance policy,
    /// with its reason and stanza error. Without issuance policies the result is complete when returned.
    /// </returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the request does not fit its policy or the configuration; <see cref="ArgumentException.ParamName"/> names the field (<c>Channel</c>, <c>Inviter</c>, <c>Invitee</c>, <c>Policy</c>, <c>Lifetime</c>, <c>MaxUses</c>).</exception>
    /// <exception cref="InvalidOperationException">Thrown when no key of the ring may sign now.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled while a policy waits.</exception>
    ValueTask<InvitationIssueResult> IssueAsync(InvitationIssueRequest request, CancellationToken cancellationToken = default);
}
