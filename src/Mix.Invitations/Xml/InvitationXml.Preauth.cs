using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <content>Reading and writing <see cref="Preauth"/>.</content>
public static partial class InvitationXml
{
    /// <summary>Reads a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from XML text.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;presence/&gt;</c> or <c>&lt;iq/&gt;</c> holding it.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Preauth ReadPreauth(string xml, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.PreauthShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from an <see cref="XmlReader"/>.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Preauth ReadPreauth(XmlReader reader, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.PreauthShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from an <see cref="XElement"/>.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static Preauth ReadPreauth(XElement element, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.PreauthShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;presence/&gt;</c> or <c>&lt;iq/&gt;</c> holding it.</param>
    /// <param name="preauth">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    public static bool TryReadPreauth(string xml, [NotNullWhen(true)] out Preauth? preauth, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.PreauthShape, settings, out preauth, out error);

    /// <summary>Tries to read a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read). It must not process DTDs.</param>
    /// <param name="preauth">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    public static bool TryReadPreauth(XmlReader reader, [NotNullWhen(true)] out Preauth? preauth, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.PreauthShape, settings, out preauth, out error);

    /// <summary>Tries to read a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> from an <see cref="XElement"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="preauth">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    public static bool TryReadPreauth(XElement element, [NotNullWhen(true)] out Preauth? preauth, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.PreauthShape, settings, out preauth, out error);

    /// <summary>Writes a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> as XML text, without an XML declaration.</summary>
    /// <param name="preauth">The value to write.</param>
    /// <returns>The XML, for example <c>&lt;preauth xmlns="…"&gt;…</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="preauth"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="preauth"/> holds a character XML cannot carry.</exception>
    public static string ToXml(Preauth preauth)
    {
        ArgumentNullException.ThrowIfNull(preauth);
        return InvitationXmlWriterCore.ToXml(w => InvitationXmlWriterCore.WritePreauth(w, preauth));
    }

    /// <summary>Writes a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <param name="preauth">The value to write.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> or <paramref name="preauth"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="preauth"/> holds a character XML cannot carry.</exception>
    public static void WriteTo(XmlWriter writer, Preauth preauth)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(preauth);
        InvitationXmlWriterCore.WritePreauth(writer, preauth);
    }

    /// <summary>Builds a XEP-0379 <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c> as an <see cref="XElement"/>.</summary>
    /// <param name="preauth">The value to write.</param>
    /// <returns>A new element.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="preauth"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="preauth"/> holds a character XML cannot carry.</exception>
    public static XElement ToXElement(Preauth preauth)
    {
        ArgumentNullException.ThrowIfNull(preauth);
        return InvitationXmlWriterCore.PreauthElement(preauth);
    }
}
