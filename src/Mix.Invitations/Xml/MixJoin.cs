using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// A MIX channel join that carries an invitation (XEP-0369 <c>&lt;join xmlns='urn:xmpp:mix:core:1'/&gt;</c> with the
/// XEP-0407 <c>&lt;invitation xmlns='urn:xmpp:mix:misc:0'/&gt;</c> added as a child).
/// </summary>
/// <remarks>
/// Only what a channel needs to check the invitation and complete the join is kept: the nodes to subscribe to, the
/// nick, and the invitation. Other children of <c>&lt;join/&gt;</c> are ignored when reading. Instances are
/// immutable and compare by value.
/// </remarks>
public sealed class MixJoin : WireElement, IEquatable<MixJoin>
{
    /// <summary>Initializes a new join.</summary>
    /// <param name="invitation">The invitation presented to the channel.</param>
    /// <param name="subscriptions">The nodes to subscribe to (for example <c>urn:xmpp:mix:nodes:messages</c>), in order; <see langword="null"/> for none.</param>
    /// <param name="nick">The nick requested, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="subscriptions"/> holds a <see langword="null"/> or empty node name.</exception>
    public MixJoin(Invitation invitation, IEnumerable<string>? subscriptions = null, string? nick = null)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var nodes = subscriptions is null ? [] : subscriptions.ToArray();
        foreach (var node in nodes)
        {
            if (string.IsNullOrEmpty(node))
            {
                throw new ArgumentException("A subscription node must be a non-empty string.", nameof(subscriptions));
            }
        }

        Invitation = invitation;
        Subscriptions = nodes;
        Nick = nick;
    }

    /// <summary>Gets the invitation presented to the channel.</summary>
    public Invitation Invitation { get; }

    /// <summary>Gets the nodes to subscribe to, in the order given.</summary>
    public IReadOnlyList<string> Subscriptions { get; }

    /// <summary>Gets the nick requested, or <see langword="null"/>.</summary>
    public string? Nick { get; }

    /// <inheritdoc />
    public bool Equals(MixJoin? other) =>
        other is not null
        && Invitation.Equals(other.Invitation)
        && string.Equals(Nick, other.Nick, StringComparison.Ordinal)
        && Subscriptions.SequenceEqual(other.Subscriptions, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MixJoin);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Invitation, Nick, Subscriptions.Count);

    /// <summary>Describes the join without the token.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"join with {Invitation}";

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        // Checked before anything is written, so that a refused join leaves no half-written element behind.
        foreach (var node in Subscriptions)
        {
            EnsureXmlText(node, "subscription");
        }

        if (Nick is { } nick)
        {
            EnsureXmlText(nick, "nick");
        }

        writer.WriteStartElement("join", XmlNames.Core);
        foreach (var node in Subscriptions)
        {
            writer.WriteStartElement("subscribe", XmlNames.Core);
            writer.WriteAttributeString("node", node);
            writer.WriteEndElement();
        }

        if (Nick is not null)
        {
            writer.WriteElementString("nick", XmlNames.Core, Nick);
        }

        Invitation.WriteTo(writer);
        writer.WriteEndElement();
    }
}
