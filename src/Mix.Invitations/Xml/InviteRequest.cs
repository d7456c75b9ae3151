using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The invitation request of XEP-0407 §6: <c>&lt;invite xmlns='urn:xmpp:mix:misc:0'&gt;&lt;invitee&gt;…&lt;/invitee&gt;&lt;/invite&gt;</c>,
/// sent by the inviter to the channel in an <c>&lt;iq type='get'/&gt;</c>.
/// </summary>
/// <remarks>Instances are immutable and compare by value.</remarks>
public sealed class InviteRequest : WireElement, IEquatable<InviteRequest>
{
    /// <summary>Initializes a new request.</summary>
    /// <param name="invitee">The user the inviter wants to invite; only its bare form is kept.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="invitee"/> is the empty <c>default(Jid)</c>.</exception>
    public InviteRequest(Jid invitee)
    {
        JidArgument.ThrowIfEmpty(invitee, nameof(invitee));

        Invitee = invitee.Bare;
    }

    /// <summary>Gets the bare JID of the user to invite.</summary>
    public Jid Invitee { get; }

    /// <inheritdoc />
    public bool Equals(InviteRequest? other) => other is not null && Invitee == other.Invitee;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as InviteRequest);

    /// <inheritdoc />
    public override int GetHashCode() => Invitee.GetHashCode();

    /// <summary>Describes the request.</summary>
    /// <returns>A short description naming the invitee.</returns>
    public override string ToString() => $"invite request for {Invitee}";

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        writer.WriteStartElement("invite", XmlNames.Misc);
        writer.WriteElementString("invitee", XmlNames.Misc, Invitee.ToString());
        writer.WriteEndElement();
    }
}
