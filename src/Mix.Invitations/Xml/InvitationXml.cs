namespace Mix.Invitations;

/// <summary>
/// Reads and writes the invitation elements on the wire: XEP-0407 §6 <c>&lt;invitation/&gt;</c>, the
/// <c>&lt;invite/&gt;</c> request and result, <c>&lt;invitation-ack/&gt;</c>, a MIX <c>&lt;join/&gt;</c> carrying an
/// invitation, and the XEP-0379 <c>&lt;preauth/&gt;</c> element.
/// </summary>
/// <remarks>
/// <para>
/// Reading is namespace-aware (any prefix works), ignores unknown child elements (XMPP extensibility), ignores
/// comments, and turns JID text into <see cref="Jid"/> values, reporting a bad JID with the element it was in. A
/// reader accepts the element itself or a stanza holding exactly one such element; two are refused as ambiguous,
/// as is a second <c>&lt;inviter/&gt;</c>, <c>&lt;invitee/&gt;</c>, <c>&lt;channel/&gt;</c> or <c>&lt;token/&gt;</c>.
/// </para>
/// <para>
/// Reading from a string uses a locked-down <see cref="System.Xml.XmlReader"/>: DTDs prohibited, no resolver, the
/// size limit of <see cref="InvitationReaderSettings.MaxInputSize"/> and the depth limit of
/// <see cref="InvitationReaderSettings.MaxDepth"/>. Every failure is an <see cref="InvitationFormatException"/> from
/// <c>Read…</c> or an error message from <c>TryRead…</c>, which names elements of the protocols only and never quotes
/// the input; null arguments throw <see cref="ArgumentNullException"/>. Reading is linear in the length of the input.
/// </para>
/// <para>
/// Writers emit the current namespaces (<c>urn:xmpp:mix:misc:0</c>; <c>&lt;join/&gt;</c> in
/// <c>urn:xmpp:mix:core:1</c> with the invitation in <c>urn:xmpp:mix:misc:0</c>) and the children in the order of
/// XEP-0407's examples. The bytes a token's MAC covers are not these: see <see cref="InvitationCanonicalForm"/>.
/// </para>
/// </remarks>
public static partial class InvitationXml
{
}
