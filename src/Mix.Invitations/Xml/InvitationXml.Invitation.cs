using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <content>Reading and writing <see cref="Invitation"/>.</content>
public static partial class InvitationXml
{
    /// <summary>Reads an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from XML text.</summary>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one (in <c>&lt;message/&gt;</c>, <c>&lt;invite/&gt;</c>, <c>&lt;invitation-ack/&gt;</c> or <c>&lt;join/&gt;</c>, at any depth). Accepted namespaces: <c>urn:xmpp:mix:misc:0</c>, the pre-2018 drafts' <c>urn:xmpp:mix:0</c> and <c>urn:xmpp:mix:1</c>, and <c>urn:xmpp:mix:core:1</c> (inherited from a <c>&lt;join/&gt;</c>).</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Invitation ReadInvitation(string xml, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InvitationShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from an <see cref="XmlReader"/>.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Invitation ReadInvitation(XmlReader reader, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InvitationShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from an <see cref="XElement"/>.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Invitation ReadInvitation(XElement element, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InvitationShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one (in <c>&lt;message/&gt;</c>, <c>&lt;invite/&gt;</c>, <c>&lt;invitation-ack/&gt;</c> or <c>&lt;join/&gt;</c>, at any depth). Accepted namespaces: <c>urn:xmpp:mix:misc:0</c>, the pre-2018 drafts' <c>urn:xmpp:mix:0</c> and <c>urn:xmpp:mix:1</c>, and <c>urn:xmpp:mix:core:1</c> (inherited from a <c>&lt;join/&gt;</c>).</param>
    /// <param name="invitation">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitation(string xml, [NotNullWhen(true)] out Invitation? invitation, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InvitationShape, settings, out invitation, out error);

    /// <summary>Tries to read an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read). It must not process DTDs.</param>
    /// <param name="invitation">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitation(XmlReader reader, [NotNullWhen(true)] out Invitation? invitation, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InvitationShape, settings, out invitation, out error);

    /// <summary>Tries to read an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) from an <see cref="XElement"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="invitation">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitation(XElement element, [NotNullWhen(true)] out Invitation? invitation, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InvitationShape, settings, out invitation, out error);

    /// <summary>Writes an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) as XML text, without an XML declaration.</summary>
    /// <param name="invitation">The value to write.</param>
    /// <returns>The XML, for example <c>&lt;invitation xmlns="…"&gt;…</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="invitation"/> holds a character XML cannot carry.</exception>
    public static string ToXml(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return InvitationXmlWriterCore.ToXml(w => InvitationXmlWriterCore.WriteInvitation(w, invitation));
    }

    /// <summary>Writes an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <param name="invitation">The value to write.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> or <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="invitation"/> holds a character XML cannot carry.</exception>
    public static void WriteTo(XmlWriter writer, Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(invitation);
        InvitationXmlWriterCore.WriteInvitation(writer, invitation);
    }

    /// <summary>Builds an <c>&lt;invitation/&gt;</c> (XEP-0407 §6) as an <see cref="XElement"/>.</summary>
    /// <param name="invitation">The value to write.</param>
    /// <returns>A new element.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="invitation"/> holds a character XML cannot carry.</exception>
    public static XElement ToXElement(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return InvitationXmlWriterCore.InvitationElement(invitation);
    }
}
