namespace Mix.Invitations;

/// <summary>Issues invitations carrying a stateless token.</summary>
public interface IInvitationIssuer
{
    /// <summary>Issues an invitation: normalised bare JIDs, the policy's bound fields, and a token signed by the newest active key.</summary>
    /// <param name="request">What to issue.</param>
    /// <returns>The invitation, ready to send as XEP-0407 XML or as a link.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the request does not fit its policy or the configuration; <see cref="ArgumentException.ParamName"/> names the field (<c>Channel</c>, <c>Inviter</c>, <c>Invitee</c>, <c>Policy</c>, <c>Lifetime</c>, <c>MaxUses</c>).</exception>
    /// <exception cref="InvalidOperationException">Thrown when no key of the ring may sign now.</exception>
    Invitation Issue(InvitationRequest request);

    /// <summary>
    /// Issues the token alone: the same token <see cref="Issue"/> puts in its invitation, for a caller that writes the
    /// rest itself (a <c>preauth</c> link, or an <c>&lt;invitation/&gt;</c> built from the request's JIDs).
    /// </summary>
    /// <param name="request">What to issue.</param>
    /// <returns>The token; validate it with the request's bare JIDs as the invitation's fields.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the request does not fit its policy or the configuration; <see cref="ArgumentException.ParamName"/> names the field.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no key of the ring may sign now.</exception>
    /// <remarks>The default implementation returns <c>Issue(request).Token</c>; <see cref="InvitationService"/> skips building the <see cref="Invitation"/>, so the token string is all it allocates.</remarks>
    string IssueToken(InvitationRequest request) => Issue(request).Token;
}
