using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <content>Reading and writing <see cref="MixJoin"/>.</content>
public static partial class InvitationXml
{
    /// <summary>Reads a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from XML text.</summary>
    /// <param name="xml">The XML: the element itself or a stanza holding it (an <c>&lt;iq/&gt;</c>, or MIX-PAM's <c>&lt;client-join/&gt;</c>). The join may be in <c>urn:xmpp:mix:core:1</c>, in <c>urn:xmpp:mix:misc:0</c> as XEP-0407's own example has it, or in a pre-2018 draft namespace; the invitation may be in <c>urn:xmpp:mix:misc:0</c> or inherit the join's namespace.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static MixJoin ReadMixJoin(string xml, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.MixJoinShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from an <see cref="XmlReader"/>.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static MixJoin ReadMixJoin(XmlReader reader, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.MixJoinShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from an <see cref="XElement"/>.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static MixJoin ReadMixJoin(XElement element, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.MixJoinShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="xml">The XML: the element itself or a stanza holding it (an <c>&lt;iq/&gt;</c>, or MIX-PAM's <c>&lt;client-join/&gt;</c>). The join may be in <c>urn:xmpp:mix:core:1</c>, in <c>urn:xmpp:mix:misc:0</c> as XEP-0407's own example has it, or in a pre-2018 draft namespace; the invitation may be in <c>urn:xmpp:mix:misc:0</c> or inherit the join's namespace.</param>
    /// <param name="join">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    public static bool TryReadMixJoin(string xml, [NotNullWhen(true)] out MixJoin? join, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.MixJoinShape, settings, out join, out error);

    /// <summary>Tries to read a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read). It must not process DTDs.</param>
    /// <param name="join">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    public static bool TryReadMixJoin(XmlReader reader, [NotNullWhen(true)] out MixJoin? join, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.MixJoinShape, settings, out join, out error);

    /// <summary>Tries to read a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) from an <see cref="XElement"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="join">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    public static bool TryReadMixJoin(XElement element, [NotNullWhen(true)] out MixJoin? join, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.MixJoinShape, settings, out join, out error);

    /// <summary>Writes a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) as XML text, without an XML declaration.</summary>
    /// <param name="join">The value to write.</param>
    /// <returns>The XML, for example <c>&lt;join xmlns="…"&gt;…</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="join"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="join"/> holds a character XML cannot carry.</exception>
    public static string ToXml(MixJoin join)
    {
        ArgumentNullException.ThrowIfNull(join);
        return InvitationXmlWriterCore.ToXml(w => InvitationXmlWriterCore.WriteMixJoin(w, join));
    }

    /// <summary>Writes a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <param name="join">The value to write.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> or <paramref name="join"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="join"/> holds a character XML cannot carry.</exception>
    public static void WriteTo(XmlWriter writer, MixJoin join)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(join);
        InvitationXmlWriterCore.WriteMixJoin(writer, join);
    }

    /// <summary>Builds a <c>&lt;join/&gt;</c> carrying an <c>&lt;invitation/&gt;</c> (XEP-0369 with XEP-0407 §6) as an <see cref="XElement"/>.</summary>
    /// <param name="join">The value to write.</param>
    /// <returns>A new element.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="join"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="join"/> holds a character XML cannot carry.</exception>
    public static XElement ToXElement(MixJoin join)
    {
        ArgumentNullException.ThrowIfNull(join);
        return InvitationXmlWriterCore.MixJoinElement(join);
    }
}
