using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Where an invitation is presented: which channel was addressed and who is joining, both as the server saw them.
/// </summary>
/// <remarks>
/// <para>
/// Take both values from the stanza as the server stamped it: the channel from its <c>to</c> and the joiner from its
/// <c>from</c> (the authenticated user, never a JID the client wrote inside the payload). Only the bare forms are
/// compared. Both are named members, so the two addresses cannot be swapped by position:
/// <c>new InvitationContext { Channel = stanzaTo, Joiner = stanzaFrom }</c>.
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
    private readonly Jid _channel;
    private readonly Jid? _joiner;

    /// <summary>Gets the bare JID of the channel that was addressed (the stanza's <c>to</c>); required.</summary>
    /// <exception cref="ArgumentException">Thrown on initialisation when the value is <c>default(Jid)</c>.</exception>
    public required Jid Channel
    {
        get => _channel;
        init
        {
            JidArgument.ThrowIfEmpty(value, nameof(Channel));
            _channel = value.Bare;
        }
    }

    /// <summary>Gets the bare JID of the user who presents the invitation (the stanza's <c>from</c>), or <see langword="null"/> when not known yet (for example a bearer link used before registration).</summary>
    /// <exception cref="ArgumentException">Thrown on initialisation when the value is <c>default(Jid)</c> rather than <see langword="null"/>.</exception>
    public Jid? Joiner
    {
        get => _joiner;
        init
        {
            JidArgument.ThrowIfEmpty(value, nameof(Joiner));
            _joiner = value?.Bare;
        }
    }

    /// <summary>Refuses <c>default(InvitationContext)</c>, which names no channel, where an invitation is validated or redeemed.</summary>
    /// <param name="paramName">The parameter that holds the context.</param>
    /// <exception cref="ArgumentException">Thrown when the context names no channel.</exception>
    internal void ThrowIfNoChannel(string paramName)
    {
        if (_channel.IsEmpty)
        {
            throw new ArgumentException("The context must name the channel the stanza was addressed to: default(InvitationContext) names none, and the channel check cannot be skipped.", paramName);
        }
    }
}
