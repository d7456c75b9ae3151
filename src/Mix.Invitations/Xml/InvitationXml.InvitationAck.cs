using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <content>Reading and writing <see cref="InvitationAck"/>.</content>
public static partial class InvitationXml
{
    /// <summary>Reads an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from XML text.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;message/&gt;</c> holding it; <c>&lt;value/&gt;</c> must be exactly <c>Joined</c>, <c>Declined</c> or <c>Acknowledged</c>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InvitationAck ReadInvitationAck(string xml, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InvitationAckShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from an <see cref="XmlReader"/>.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InvitationAck ReadInvitationAck(XmlReader reader, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InvitationAckShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from an <see cref="XElement"/>.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InvitationAck ReadInvitationAck(XElement element, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InvitationAckShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;message/&gt;</c> holding it; <c>&lt;value/&gt;</c> must be exactly <c>Joined</c>, <c>Declined</c> or <c>Acknowledged</c>.</param>
    /// <param name="ack">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitationAck(string xml, [NotNullWhen(true)] out InvitationAck? ack, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InvitationAckShape, settings, out ack, out error);

    /// <summary>Tries to read an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read). It must not process DTDs.</param>
    /// <param name="ack">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitationAck(XmlReader reader, [NotNullWhen(true)] out InvitationAck? ack, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InvitationAckShape, settings, out ack, out error);

    /// <summary>Tries to read an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) from an <see cref="XElement"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="ack">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    public static bool TryReadInvitationAck(XElement element, [NotNullWhen(true)] out InvitationAck? ack, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InvitationAckShape, settings, out ack, out error);

    /// <summary>Writes an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) as XML text, without an XML declaration.</summary>
    /// <param name="ack">The value to write.</param>
    /// <returns>The XML, for example <c>&lt;invitation-ack xmlns="…"&gt;…</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="ack"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="ack"/> holds a character XML cannot carry.</exception>
    public static string ToXml(InvitationAck ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        return InvitationXmlWriterCore.ToXml(w => InvitationXmlWriterCore.WriteInvitationAck(w, ack));
    }

    /// <summary>Writes an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <param name="ack">The value to write.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> or <paramref name="ack"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="ack"/> holds a character XML cannot carry.</exception>
    public static void WriteTo(XmlWriter writer, InvitationAck ack)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(ack);
        InvitationXmlWriterCore.WriteInvitationAck(writer, ack);
    }

    /// <summary>Builds an <c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) as an <see cref="XElement"/>.</summary>
    /// <param name="ack">The value to write.</param>
    /// <returns>A new element.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="ack"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="ack"/> holds a character XML cannot carry.</exception>
    public static XElement ToXElement(InvitationAck ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        return InvitationXmlWriterCore.InvitationAckElement(ack);
    }
}
