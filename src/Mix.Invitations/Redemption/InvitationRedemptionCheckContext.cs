namespace Mix.Invitations;

/// <summary>What an <see cref="IInvitationRedemptionCheck"/> is given: the presented invitation, its verified claims and the joining user.</summary>
public readonly struct InvitationRedemptionCheckContext
{
    /// <summary>Initializes a new context.</summary>
    /// <param name="invitation">The presented invitation; for a bearer token, an invitation holding only the channel and the token.</param>
    /// <param name="claims">The claims of the token, verified by its tag.</param>
    /// <param name="joiner">The bare JID of the joining user, or <see langword="null"/> when not known yet.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    public InvitationRedemptionCheckContext(Invitation invitation, InvitationClaims claims, Jid? joiner)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        Invitation = invitation;
        Claims = claims;
        Joiner = joiner;
    }

    /// <summary>Gets the presented invitation. Its inviter and invitee are authentic only as far as the token's policy binds them (<see cref="IInvitationBindingPolicy.Binds"/>).</summary>
    public Invitation Invitation { get; }

    /// <summary>Gets the verified claims: policy, key, time window, use limit, token id and channel.</summary>
    public InvitationClaims Claims { get; }

    /// <summary>Gets the bare JID of the joining user, or <see langword="null"/> when not known yet.</summary>
    public Jid? Joiner { get; }
}
