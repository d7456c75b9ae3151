using System.Diagnostics.CodeAnalysis;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Reads the invitation elements from the wire: XEP-0407 §6 <c>&lt;invitation/&gt;</c>, the <c>&lt;invite/&gt;</c>
/// request and result, <c>&lt;invitation-ack/&gt;</c>, a MIX <c>&lt;join/&gt;</c> carrying an invitation, and the
/// XEP-0379 <c>&lt;preauth/&gt;</c> element. The elements write themselves: see <see cref="WireElement"/>.
/// </summary>
/// <remarks>
/// <para>
/// <c>Read&lt;T&gt;</c> and <c>TryRead&lt;T&gt;</c> read the element type <c>T</c>, one of the six
/// types below, from XML text, from an <see cref="XmlReader"/> or from an <see cref="XElement"/>. The input is the
/// element itself or a stanza holding exactly one such element, at any depth; two are refused as ambiguous, as is a
/// second <c>&lt;inviter/&gt;</c>, <c>&lt;invitee/&gt;</c>, <c>&lt;channel/&gt;</c>, <c>&lt;token/&gt;</c>,
/// <c>&lt;value/&gt;</c>, <c>&lt;nick/&gt;</c> or <c>&lt;invitation/&gt;</c> inside the element. The elements and
/// namespaces each type accepts:
/// </para>
/// <list type="table">
/// <listheader><term>type</term><description>element, namespaces, and where it is usually found</description></listheader>
/// <item><term><see cref="Invitation"/></term><description><c>&lt;invitation/&gt;</c> (XEP-0407 §6) in
/// <c>urn:xmpp:mix:misc:0</c>, the pre-2018 drafts' <c>urn:xmpp:mix:0</c> and <c>urn:xmpp:mix:1</c>, and, inherited
/// from the element holding it, <c>urn:xmpp:mix:core:1</c> (a <c>&lt;join/&gt;</c>) or
/// <c>urn:xmpp:mix:0#request-invitation</c> (the drafts' <c>&lt;query/&gt;</c>). Found in a <c>&lt;message/&gt;</c>,
/// an <c>&lt;invite/&gt;</c>, an <c>&lt;invitation-ack/&gt;</c> or a <c>&lt;join/&gt;</c>.</description></item>
/// <item><term><see cref="MixJoin"/></term><description><c>&lt;join/&gt;</c> (XEP-0369) holding an
/// <c>&lt;invitation/&gt;</c>, in <c>urn:xmpp:mix:core:1</c>, in <c>urn:xmpp:mix:misc:0</c> as XEP-0407's own example
/// has it, or in a pre-2018 draft namespace (<c>urn:xmpp:mix:0</c>, <c>urn:xmpp:mix:1</c>,
/// <c>urn:xmpp:mix:core:0</c>); the invitation is in <c>urn:xmpp:mix:misc:0</c> (or a draft invitation namespace) or
/// inherits the join's. <c>&lt;subscribe node='…'/&gt;</c> and <c>&lt;nick/&gt;</c> are read in the join's namespace.
/// Found in an <c>&lt;iq/&gt;</c>, or in MIX-PAM's <c>&lt;client-join/&gt;</c>.</description></item>
/// <item><term><see cref="InviteRequest"/></term><description><c>&lt;invite/&gt;</c> holding an
/// <c>&lt;invitee/&gt;</c> (XEP-0407 §6, in an <c>&lt;iq type='get'/&gt;</c>), in <c>urn:xmpp:mix:misc:0</c> or the
/// drafts' <c>urn:xmpp:mix:0</c> and <c>urn:xmpp:mix:1</c>; XEP-0369 0.4–0.7.1's
/// <c>&lt;query xmlns='urn:xmpp:mix:0#request-invitation'/&gt;</c> is read too.</description></item>
/// <item><term><see cref="InviteResult"/></term><description>the same <c>&lt;invite/&gt;</c> or draft
/// <c>&lt;query/&gt;</c>, holding an <c>&lt;invitation/&gt;</c> (XEP-0407 §6, in an
/// <c>&lt;iq type='result'/&gt;</c>).</description></item>
/// <item><term><see cref="InvitationAck"/></term><description><c>&lt;invitation-ack/&gt;</c> (XEP-0407 §6) in the
/// namespaces of <c>&lt;invitation/&gt;</c> above (not those inherited), holding a <c>&lt;value/&gt;</c> that is
/// exactly <c>Joined</c>, <c>Declined</c> or <c>Acknowledged</c> and an <c>&lt;invitation/&gt;</c>. Found in a
/// <c>&lt;message/&gt;</c>.</description></item>
/// <item><term><see cref="Preauth"/></term><description><c>&lt;preauth token='…'/&gt;</c> (XEP-0379, XEP-0445) in
/// <c>urn:xmpp:pars:0</c>, with a non-empty token. Found in a <c>&lt;presence/&gt;</c> or an
/// <c>&lt;iq/&gt;</c>.</description></item>
/// </list>
/// <para>
/// Reading is namespace-aware (any prefix works), ignores unknown child elements (XMPP extensibility) and comments,
/// and turns JID text into <see cref="Jid"/> values, reporting a bad JID with the element it was in.
/// </para>
/// <para>
/// Empty elements: in an <c>&lt;invitation/&gt;</c>, an <c>&lt;inviter/&gt;</c> or <c>&lt;invitee/&gt;</c> with no
/// text at all (<c>&lt;invitee/&gt;</c>, <c>&lt;invitee&gt;&lt;/invitee&gt;</c>, or only a comment) names no one and
/// is read as absent, because QXmpp's <c>QXmppMixInvitation</c> writes an unset field that way. This is safe: the
/// token's tag covers every address its policy binds, so an emptied bound address fails validation
/// (<see cref="InvitationFailureReason.BadSignature"/>) as a missing one does. It is still an element, so a second
/// one beside it is ambiguous. Whitespace alone is not a JID and is refused, as is an empty <c>&lt;channel/&gt;</c>
/// or <c>&lt;token/&gt;</c>, and an empty <c>&lt;invitee/&gt;</c> in an <c>&lt;invite/&gt;</c> request (a request
/// must name its invitee).
/// </para>
/// <para>
/// Limits: text is read with a locked-down <see cref="XmlReader"/>: DTDs prohibited, no resolver, the size limit of
/// <see cref="InvitationReaderSettings.MaxInputSize"/>. Every input is held to the depth limit of
/// <see cref="InvitationReaderSettings.MaxDepth"/>, also inside ignored children. A caller's <see cref="XmlReader"/>
/// that allows DTD processing is refused; its size limits are its own. The overloads without settings use
/// <see cref="InvitationReaderSettings.Default"/>. Reading is linear in the length of the input, and the whole input
/// is read even after the element is found, so that trailing garbage and a second element are reported.
/// </para>
/// <para>
/// Errors: a bad input is an <see cref="InvitationFormatException"/> from <c>Read&lt;T&gt;</c> and a
/// <see langword="false"/> result with an error message from <c>TryRead&lt;T&gt;</c>. The message names the element
/// and the problem, using only the names of the protocols' elements, and never quotes the input (a token sent in the
/// wrong place must not come back in a log). A <see langword="null"/> argument throws
/// <see cref="ArgumentNullException"/>, and a type argument that is not one of the six types (such as
/// <see cref="WireElement"/> itself) throws <see cref="NotSupportedException"/>: both are programming errors, not
/// bad input.
/// </para>
/// </remarks>
public static class InvitationXml
{
    /// <summary>Reads an element from XML text, with the default limits.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one.</param>
    /// <returns>The element read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static T Read<T>(string xml)
        where T : WireElement =>
        Read<T>(xml, null);

    /// <summary>Reads an element from XML text.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The element read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    public static T Read<T>(string xml, InvitationReaderSettings? settings)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(xml, ShapeOf<T>.Value, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an element from an <see cref="XmlReader"/>, with the default depth limit.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <returns>The element read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete, or the reader allows DTD processing; the message names the element and the problem.</exception>
    public static T Read<T>(XmlReader reader)
        where T : WireElement =>
        Read<T>(reader, null);

    /// <summary>Reads an element from an <see cref="XmlReader"/>.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns>The element read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the XML is malformed, over a limit, ambiguous or incomplete, or the reader allows DTD processing; the message names the element and the problem.</exception>
    public static T Read<T>(XmlReader reader, InvitationReaderSettings? settings)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(reader, ShapeOf<T>.Value, settings, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Reads an element from an <see cref="XElement"/>, with the default depth limit (<see cref="InvitationReaderSettings.DefaultMaxDepth"/>).</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="element">The element itself, or an element holding exactly one.</param>
    /// <returns>The element read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the element is over a limit, ambiguous or incomplete; the message names the element and the problem.</exception>
    /// <remarks>The element is built already, so there is no size limit to apply; for another depth limit, read <c>element.CreateReader()</c> with settings.</remarks>
    public static T Read<T>(XElement element)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(element, ShapeOf<T>.Value, null, out var value, out var error) ? value : throw new InvitationFormatException(error);

    /// <summary>Tries to read an element from XML text, with the default limits; a bad input is an ordinary result, not an exception.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one.</param>
    /// <param name="value">The element read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when an element was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    public static bool TryRead<T>(string xml, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : WireElement =>
        TryRead(xml, out value, out error, null);

    /// <summary>Tries to read an element from XML text; a bad input is an ordinary result, not an exception.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="xml">The XML: the element itself, or a stanza holding exactly one.</param>
    /// <param name="value">The element read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when an element was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="xml"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    public static bool TryRead<T>(string xml, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(xml, ShapeOf<T>.Value, settings, out value, out error);

    /// <summary>Tries to read an element from an <see cref="XmlReader"/>, with the default depth limit; a bad input is an ordinary result, not an exception.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="value">The element read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when an element was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    public static bool TryRead<T>(XmlReader reader, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : WireElement =>
        TryRead(reader, out value, out error, null);

    /// <summary>Tries to read an element from an <see cref="XmlReader"/>; a bad input is an ordinary result, not an exception.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="reader">A reader that has not started (the whole document is read) or is on an element (that element is read, and the reader is left after it). It must not process DTDs.</param>
    /// <param name="value">The element read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <param name="settings">The depth limit to apply, or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>; size limits are the reader's own.</param>
    /// <returns><see langword="true"/> when an element was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    public static bool TryRead<T>(XmlReader reader, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(reader, ShapeOf<T>.Value, settings, out value, out error);

    /// <summary>Tries to read an element from an <see cref="XElement"/>, with the default depth limit; a bad input is an ordinary result, not an exception.</summary>
    /// <typeparam name="T">The element type: <see cref="Invitation"/>, <see cref="MixJoin"/>, <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> or <see cref="Preauth"/>.</typeparam>
    /// <param name="element">The element itself, or an element holding exactly one.</param>
    /// <param name="value">The element read, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the element and the problem; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when an element was read.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="element"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">Thrown when <typeparamref name="T"/> is not one of the six element types.</exception>
    /// <remarks>The element is built already, so there is no size limit to apply; for another depth limit, read <c>element.CreateReader()</c> with settings.</remarks>
    public static bool TryRead<T>(XElement element, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : WireElement =>
        InvitationXmlReaderCore.TryRead(element, ShapeOf<T>.Value, null, out value, out error);
}
