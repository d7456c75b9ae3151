using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The acknowledgement an invitee MAY send back to the inviter (XEP-0407 §6):
/// <c>&lt;invitation-ack xmlns='urn:xmpp:mix:misc:0'&gt;&lt;value&gt;Declined&lt;/value&gt;&lt;invitation&gt;…&lt;/invitation&gt;&lt;/invitation-ack&gt;</c>
/// inside a <c>&lt;message/&gt;</c>.
/// </summary>
/// <remarks>Instances are immutable and compare by value.</remarks>
public sealed class InvitationAck : WireElement, IEquatable<InvitationAck>
{
    /// <summary>Initializes a new acknowledgement.</summary>
    /// <param name="value">What the invitee did.</param>
    /// <param name="invitation">The invitation being acknowledged.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="value"/> is not a defined <see cref="InvitationAckKind"/>.</exception>
    public InvitationAck(InvitationAckKind value, Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The value must be Joined, Declined or Acknowledged.");
        }

        Value = value;
        Invitation = invitation;
    }

    /// <summary>Gets what the invitee did.</summary>
    public InvitationAckKind Value { get; }

    /// <summary>Gets the invitation being acknowledged.</summary>
    public Invitation Invitation { get; }

    /// <inheritdoc />
    public bool Equals(InvitationAck? other) => other is not null && Value == other.Value && Invitation.Equals(other.Invitation);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as InvitationAck);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Invitation);

    /// <summary>Describes the acknowledgement without the token.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{Value}: {Invitation}";

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        writer.WriteStartElement("invitation-ack", XmlNames.Misc);
        writer.WriteElementString("value", XmlNames.Misc, Value.ToString());
        Invitation.WriteTo(writer);
        writer.WriteEndElement();
    }
}
