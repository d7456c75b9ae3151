using System.Globalization;
using System.Xml.Linq;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>Builds the stanzas the tests send and reads the replies xmpp.js hands back.</summary>
internal static class Stanzas
{
    public static readonly XNamespace MixCore = "urn:xmpp:mix:core:1";
    public static readonly XNamespace MixMisc = "urn:xmpp:mix:misc:0";
    public static readonly XNamespace Pars = "urn:xmpp:pars:0";
    public static readonly XNamespace StanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private static int s_id;

    /// <summary>An IQ in the client stream's default namespace, with a fresh id.</summary>
    public static XElement Iq(string type, string to, XElement payload) => new(
        "iq",
        new XAttribute("type", type),
        new XAttribute("id", "t" + Interlocked.Increment(ref s_id).ToString(CultureInfo.InvariantCulture)),
        new XAttribute("to", to),
        payload);

    public static XElement Create(string channel) => new(MixCore + "create", new XAttribute("channel", channel));

    public static XElement Invite(string invitee) => new(MixMisc + "invite", new XElement(MixMisc + "invitee", invitee));

    public static XElement PreAuthRequest() => new(Pars + "preauth");

    /// <summary>XEP-0406 §3.2: the owner publishes the channel's configuration form with the participants' setting.</summary>
    public static XElement Configure(bool participantsMayInvite) =>
        ConfigurationForm("Participation Addition by Invitation from Participant", participantsMayInvite ? "true" : "false");

    /// <summary>XEP-0406 §3.2: the owner publishes the configuration form with the channel's administrators.</summary>
    public static XElement ConfigureAdministrators(params string[] administrators) =>
        ConfigurationForm("Administrator", administrators);

    /// <summary>A submitted configuration form on the channel's <c>urn:xmpp:mix:nodes:config</c> node, with one field and its values.</summary>
    private static XElement ConfigurationForm(string field, params string[] values)
    {
        XNamespace pubsub = "http://jabber.org/protocol/pubsub";
        XNamespace data = "jabber:x:data";
        return new XElement(
            pubsub + "pubsub",
            new XElement(
                pubsub + "publish",
                new XAttribute("node", "urn:xmpp:mix:nodes:config"),
                new XElement(
                    pubsub + "item",
                    new XElement(
                        data + "x",
                        new XAttribute("type", "submit"),
                        new XElement(data + "field", new XAttribute("var", "FORM_TYPE"), new XElement(data + "value", "urn:xmpp:mix:admin:0")),
                        new XElement(data + "field", new XAttribute("var", field), values.Select(v => new XElement(data + "value", v)))))));
    }

    public static XElement JoinWith(XElement credential) => new(
        MixCore + "join",
        new XElement(MixCore + "subscribe", new XAttribute("node", "urn:xmpp:mix:nodes:messages")),
        credential);

    public static XElement JoinWithPreAuth(string token) => JoinWith(new XElement(Pars + "preauth", new XAttribute("token", token)));

    public static string TypeOf(XElement stanza) => (string?)stanza.Attribute("type") ?? string.Empty;

    public static XElement? Child(XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    /// <summary>The (type, condition, text) of an error reply, in the shape of <see cref="InvitationStanzaError"/>.</summary>
    public static InvitationStanzaError ErrorOf(XElement reply)
    {
        var error = Child(reply, "error") ?? throw new InvalidOperationException($"No <error/> in {reply}");
        var condition = error.Elements().First(e => e.Name.Namespace == StanzaErrors && e.Name.LocalName != "text");
        var text = (string?)error.Element(StanzaErrors + "text");
        return new InvitationStanzaError((string?)error.Attribute("type") ?? string.Empty, condition.Name.LocalName, text);
    }
}
