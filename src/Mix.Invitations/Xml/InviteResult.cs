using System.Xml;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The channel's answer to an <see cref="InviteRequest"/> (XEP-0407 §6):
/// <c>&lt;invite xmlns='urn:xmpp:mix:misc:0'&gt;&lt;invitation&gt;…&lt;/invitation&gt;&lt;/invite&gt;</c> in an <c>&lt;iq type='result'/&gt;</c>.
/// </summary>
/// <remarks>Instances are immutable and compare by value.</remarks>
public sealed class InviteResult : WireElement, IEquatable<InviteResult>
{
    /// <summary>Initializes a new result.</summary>
    /// <param name="invitation">The invitation the channel issued.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    public InviteResult(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        Invitation = invitation;
    }

    /// <summary>Gets the invitation the channel issued.</summary>
    public Invitation Invitation { get; }

    /// <inheritdoc />
    public bool Equals(InviteResult? other) => other is not null && Invitation.Equals(other.Invitation);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as InviteResult);

    /// <inheritdoc />
    public override int GetHashCode() => Invitation.GetHashCode();

    /// <summary>Describes the result without its token.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"invite result: {Invitation}";

    /// <inheritdoc />
    private protected override void WriteCore(XmlWriter writer)
    {
        writer.WriteStartElement("invite", XmlNames.Misc);
        Invitation.WriteTo(writer);
        writer.WriteEndElement();
    }
}
