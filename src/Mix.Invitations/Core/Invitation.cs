using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// A MIX channel invitation (XEP-0407 §6): who invites, who is invited, to which channel, and the token that
/// proves the channel issued it.
/// </summary>
/// <remarks>
/// Invitations bind bare JIDs, so the constructor keeps only the bare form of each address. The inviter and the
/// invitee are optional because inviter-bound and unbound (bearer) invitations may omit them.
/// Instances are immutable and compare by value.
/// </remarks>
public sealed class Invitation : WireElement, IEquatable<Invitation>
{
    /// <summary>Initializes a new invitation.</summary>
    /// <param name="channel">The channel the invitation admits to.</param>
    /// <param name="token">The token, exactly as issued.</param>
    /// <param name="inviter">The user who invites, or <see langword="null"/> when the invitation does not name one.</param>
    /// <param name="invitee">The user who is invited, or <see langword="null"/> when the invitation does not name one.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/>, <paramref name="inviter"/> or <paramref name="invitee"/> is the empty <c>default(Jid)</c>.</exception>
    public Invitation(Jid channel, string token, Jid? inviter = null, Jid? invitee = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        JidArgument.ThrowIfEmpty(inviter, nameof(inviter));
        JidArgument.ThrowIfEmpty(invitee, nameof(invitee));

        Channel = channel.Bare;
        Token = token;
        Inviter = inviter?.Bare;
        Invitee = invitee?.Bare;
    }

    /// <summary>
    /// Makes the invitation a bare token stands for: a token from a XEP-0379 <c>&lt;preauth/&gt;</c> element or an
    /// <c>xmpp:channel?join;preauth=…</c> link, for the channel it was presented to.
    /// </summary>
    /// <param name="channel">The channel the token was presented to (the stanza's <c>to</c>, or the link's JID).</param>
    /// <param name="token">The token, exactly as received.</param>
    /// <returns>An invitation naming only the channel and the token. Only tokens whose policy binds no inviter or invitee (such as <c>unbound</c>) validate this way: the tag of any other covers addresses a bare token does not carry.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is the empty <c>default(Jid)</c>.</exception>
    public static Invitation FromToken(Jid channel, string token) => new(channel, token);

    /// <summary>Gets the bare JID of the channel.</summary>
    public Jid Channel { get; }

    /// <summary>Gets the token, exactly as issued.</summary>
    public string Token { get; }

    /// <summary>Gets the bare JID of the user who invites, or <see langword="null"/>.</summary>
    public Jid? Inviter { get; }

    /// <summary>Gets the bare JID of the user who is invited, or <see langword="null"/>.</summary>
    public Jid? Invitee { get; }

    /// <summary>Returns a copy of this invitation carrying another token.</summary>
    /// <param name="token">The token.</param>
    /// <returns>A new invitation with the same addresses.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    public Invitation WithToken(string token) => new(Channel, token, Inviter, Invitee);

    /// <inheritdoc />
    public bool Equals(Invitation? other) =>
        other is not null
        && Channel == other.Channel
        && Inviter == other.Inviter
        && Invitee == other.Invitee
        && string.Equals(Token, other.Token, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Invitation);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Channel, Inviter, Invitee, StringComparer.Ordinal.GetHashCode(Token));

    /// <summary>Describes the invitation without its token, which is a secret for bearer invitations.</summary>
    /// <returns>The addresses the invitation names.</returns>
    public override string ToString() =>
        $"invitation to {Channel}" + (Inviter is { } from ? $" from {from}" : string.Empty) + (Invitee is { } to ? $" for {to}" : string.Empty);

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        EnsureXmlText(Token, "token");
        writer.WriteStartElement("invitation", XmlNames.Misc);
        if (Inviter is { } inviter)
        {
            writer.WriteElementString("inviter", XmlNames.Misc, inviter.ToString());
        }

        if (Invitee is { } invitee)
        {
            writer.WriteElementString("invitee", XmlNames.Misc, invitee.ToString());
        }

        writer.WriteElementString("channel", XmlNames.Misc, Channel.ToString());
        writer.WriteElementString("token", XmlNames.Misc, Token);
        writer.WriteEndElement();
    }
}
