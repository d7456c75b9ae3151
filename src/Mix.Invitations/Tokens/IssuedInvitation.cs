namespace Mix.Invitations;

/// <summary>What <see cref="IInvitationIssuer.IssueAsync"/> made: the invitation to send, and what its token says.</summary>
/// <remarks>
/// <see cref="Claims"/> are the claims a validator returns for this token: the policy, the key id, the issue and expiry
/// instants, the use limit and the <see cref="InvitationClaims.TokenId"/> under which a ledger or an operator's list
/// names it (never the token itself, which is a secret for bearer invitations). A value type, so issuing allocates
/// only the token string and the <see cref="Mix.Invitations.Invitation"/>.
/// </remarks>
public readonly struct IssuedInvitation
{
    /// <summary>Initializes a new result.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <param name="claims">What its token says.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    public IssuedInvitation(Invitation invitation, InvitationClaims claims)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        Invitation = invitation;
        Claims = claims;
    }

    /// <summary>Gets the invitation: the request's bare JIDs and the token.</summary>
    public Invitation Invitation { get; }

    /// <summary>Gets the token, exactly as <see cref="Invitation"/> carries it.</summary>
    public string Token => Invitation.Token;

    /// <summary>Gets what the token says: policy, key id, issued-at, expires-at, use limit and token id.</summary>
    public InvitationClaims Claims { get; }

    /// <summary>Describes the invitation without its token.</summary>
    /// <returns>The addresses, the policy and the expiry.</returns>
    public override string ToString() => $"{Invitation} ({Claims.Policy}, expires {Claims.ExpiresAt:O})";
}
