namespace Mix.Invitations;

/// <summary>
/// Where an invitation is presented: who is joining and which channel was addressed, both as the server saw them.
/// </summary>
/// <remarks>
/// Take both values from the stanza as the server stamped it: the joiner from its <c>from</c> (the authenticated
/// user, never a JID the client wrote inside the payload) and the channel from its <c>to</c>. Only the bare forms
/// are compared.
/// </remarks>
public readonly struct InvitationContext
{
    /// <summary>Initializes a new context.</summary>
    /// <param name="joiner">The user who presents the invitation, or <see langword="null"/> when not known yet (for example a bearer link used before registration).</param>
    /// <param name="channel">The channel the stanza was addressed to, or <see langword="null"/> to skip that check (the token's own channel is still verified by its tag).</param>
    public InvitationContext(Jid? joiner, Jid? channel)
    {
        Joiner = joiner is { IsEmpty: false } j ? j.Bare : null;
        Channel = channel is { IsEmpty: false } c ? c.Bare : null;
    }

    /// <summary>Gets the bare JID of the user who presents the invitation, or <see langword="null"/>.</summary>
    public Jid? Joiner { get; }

    /// <summary>Gets the bare JID of the channel that was addressed, or <see langword="null"/>.</summary>
    public Jid? Channel { get; }
}
