using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Where an invitation is presented: who is joining and which channel was addressed, both as the server saw them.
/// </summary>
/// <remarks>
/// <para>
/// Take both values from the stanza as the server stamped it: the joiner from its <c>from</c> (the authenticated
/// user, never a JID the client wrote inside the payload) and the channel from its <c>to</c>. Only the bare forms
/// are compared.
/// </para>
/// <para>
/// The addressed channel is required, and every validation and redemption compares it with the channel the token
/// admits to (<see cref="InvitationFailureReason.ChannelMismatch"/>): there is no way to skip that check. The tag alone
/// would not do, because the channel in the presented <c>&lt;invitation/&gt;</c> is the client's word — a genuine
/// invitation to channel A, sent in a <c>&lt;join/&gt;</c> addressed to B, must not admit anyone to B.
/// <c>default(InvitationContext)</c> names no channel, and validating with it throws <see cref="ArgumentException"/>.
/// </para>
/// </remarks>
public readonly struct InvitationContext
{
    /// <summary>Initializes a new context.</summary>
    /// <param name="joiner">The user who presents the invitation, or <see langword="null"/> when not known yet (for example a bearer link used before registration).</param>
    /// <param name="channel">The channel the stanza was addressed to (its <c>to</c>); required.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>, or <paramref name="joiner"/> is <c>default(Jid)</c> rather than <see langword="null"/>.</exception>
    public InvitationContext(Jid? joiner, Jid channel)
    {
        Error.ThrowIfEmpty(channel, nameof(channel));
        Error.ThrowIfEmpty(joiner, nameof(joiner));
        Joiner = joiner?.Bare;
        Channel = channel.Bare;
    }

    /// <summary>Gets the bare JID of the user who presents the invitation, or <see langword="null"/>.</summary>
    public Jid? Joiner { get; }

    /// <summary>Gets the bare JID of the channel that was addressed; empty only for <c>default(InvitationContext)</c>, which no validator accepts.</summary>
    public Jid Channel { get; }

    /// <summary>Refuses <c>default(InvitationContext)</c>, which names no channel, where an invitation is validated or redeemed.</summary>
    /// <param name="paramName">The parameter that holds the context.</param>
    /// <exception cref="ArgumentException">Thrown when the context names no channel.</exception>
    internal void ThrowIfNoChannel(string paramName)
    {
        if (Channel.IsEmpty)
        {
            throw new ArgumentException("The context must name the channel the stanza was addressed to: default(InvitationContext) names none, and the channel check cannot be skipped.", paramName);
        }
    }
}
