using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <content>Reading and writing <see cref="InviteRequest"/>.</content>
public static partial class InvitationXml
{
    /// <summary>Reads an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from XML text.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;iq/&gt;</c> holding it; the drafts' <c>urn:xmpp:mix:0</c>/<c>urn:xmpp:mix:1</c> <c>&lt;invite/&gt;</c> and 0.4–0.7.1's <c>&lt;query xmlns='urn:xmpp:mix:0#request-invitation'/&gt;</c> are read too.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InviteRequest ReadInviteRequest(string xml, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InviteRequestShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from an <see cref="XmlReader"/>.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InviteRequest ReadInviteRequest(XmlReader reader, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InviteRequestShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from an <see cref="XElement"/>.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The value read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static InviteRequest ReadInviteRequest(XElement element, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InviteRequestShape, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="xml">The XML: the element itself or the <c>&lt;iq/&gt;</c> holding it; the drafts' <c>urn:xmpp:mix:0</c>/<c>urn:xmpp:mix:1</c> <c>&lt;invite/&gt;</c> and 0.4–0.7.1's <c>&lt;query xmlns='urn:xmpp:mix:0#request-invitation'/&gt;</c> are read too.</param>
    /// <param name="request">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    public static bool TryReadInviteRequest(string xml, [NotNullWhen(true)] out InviteRequest? request, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(xml, InvitationParsers.InviteRequestShape, settings, out request, out error);

    /// <summary>Tries to read an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read). It must not process DTDs.</param>
    /// <param name="request">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    public static bool TryReadInviteRequest(XmlReader reader, [NotNullWhen(true)] out InviteRequest? request, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(reader, InvitationParsers.InviteRequestShape, settings, out request, out error);

    /// <summary>Tries to read an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) from an <see cref="XElement"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <param name="element">The element itself or an element holding it.</param>
    /// <param name="request">The value read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when a value was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    public static bool TryReadInviteRequest(XElement element, [NotNullWhen(true)] out InviteRequest? request, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null) =>
        InvitationXmlReaderCore.TryRead(element, InvitationParsers.InviteRequestShape, settings, out request, out error);

    /// <summary>Writes an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) as XML text, without an XML declaration.</summary>
    /// <param name="request">The value to write.</param>
    /// <returns>The XML, for example <c>&lt;invite xmlns="…"&gt;…</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="request"/> holds a character XML cannot carry.</exception>
    public static string ToXml(InviteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvitationXmlWriterCore.ToXml(w => InvitationXmlWriterCore.WriteInviteRequest(w, request));
    }

    /// <summary>Writes an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <param name="request">The value to write.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="request"/> holds a character XML cannot carry.</exception>
    public static void WriteTo(XmlWriter writer, InviteRequest request)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(request);
        InvitationXmlWriterCore.WriteInviteRequest(writer, request);
    }

    /// <summary>Builds an invitation request <c>&lt;invite&gt;&lt;invitee/&gt;&lt;/invite&gt;</c> (XEP-0407 §6, sent in an <c>&lt;iq type='get'/&gt;</c>) as an <see cref="XElement"/>.</summary>
    /// <param name="request">The value to write.</param>
    /// <returns>A new element.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in <paramref name="request"/> holds a character XML cannot carry.</exception>
    public static XElement ToXElement(InviteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return InvitationXmlWriterCore.InviteRequestElement(request);
    }
}
