namespace Mix.Invitations;

/// <summary>What a binding policy sees when it decides whether a joiner may redeem a verified token.</summary>
/// <remarks>Only built after the token's tag verified, so every bound field here is authentic.</remarks>
public readonly struct InvitationBindingContext
{
    /// <summary>Initializes a new binding context.</summary>
    /// <param name="channel">The channel of the presented invitation.</param>
    /// <param name="inviter">The inviter of the presented invitation, or <see langword="null"/>.</param>
    /// <param name="invitee">The invitee of the presented invitation, or <see langword="null"/>.</param>
    /// <param name="joiner">The bare JID of the user who presents it, or <see langword="null"/> when unknown.</param>
    public InvitationBindingContext(Jid channel, Jid? inviter, Jid? invitee, Jid? joiner)
    {
        Channel = channel;
        Inviter = inviter;
        Invitee = invitee;
        Joiner = joiner;
    }

    /// <summary>Gets the channel of the presented invitation.</summary>
    public Jid Channel { get; }

    /// <summary>Gets the inviter of the presented invitation, or <see langword="null"/>.</summary>
    public Jid? Inviter { get; }

    /// <summary>Gets the invitee of the presented invitation, or <see langword="null"/>.</summary>
    public Jid? Invitee { get; }

    /// <summary>Gets the bare JID of the user who presents the invitation, or <see langword="null"/> when unknown.</summary>
    public Jid? Joiner { get; }
}
