using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations.Internal;

/// <summary>Writes the invitation elements; the XElement forms are built directly, the string form through an XmlWriter.</summary>
internal static class InvitationXmlWriterCore
{
    private static readonly XmlWriterSettings StringSettings = new()
    {
        OmitXmlDeclaration = true,
        Indent = false,
        ConformanceLevel = ConformanceLevel.Fragment,
        NewLineHandling = NewLineHandling.Entitize,
        CheckCharacters = true,
    };

    private static readonly XNamespace MiscNs = XmlNames.Misc;
    private static readonly XNamespace CoreNs = XmlNames.Core;
    private static readonly XNamespace ParsNs = XmlNames.Pars;

    public static string ToXml(Action<XmlWriter> write)
    {
        var builder = new StringBuilder(256);
        using (var writer = XmlWriter.Create(builder, StringSettings))
        {
            write(writer);
        }

        return builder.ToString();
    }

    public static void EnsureXmlText(string text, string what)
    {
        try
        {
            XmlConvert.VerifyXmlChars(text);
        }
        catch (XmlException ex)
        {
            throw new ArgumentException($"The {what} holds a character XML cannot carry.", what, ex);
        }
    }

    public static void WriteInvitation(XmlWriter writer, Invitation invitation)
    {
        EnsureXmlText(invitation.Token, "token");
        writer.WriteStartElement("invitation", XmlNames.Misc);
        if (invitation.Inviter is { } inviter)
        {
            writer.WriteElementString("inviter", XmlNames.Misc, inviter.ToString());
        }

        if (invitation.Invitee is { } invitee)
        {
            writer.WriteElementString("invitee", XmlNames.Misc, invitee.ToString());
        }

        writer.WriteElementString("channel", XmlNames.Misc, invitation.Channel.ToString());
        writer.WriteElementString("token", XmlNames.Misc, invitation.Token);
        writer.WriteEndElement();
    }

    public static void WriteInviteRequest(XmlWriter writer, InviteRequest request)
    {
        writer.WriteStartElement("invite", XmlNames.Misc);
        writer.WriteElementString("invitee", XmlNames.Misc, request.Invitee.ToString());
        writer.WriteEndElement();
    }

    public static void WriteInviteResult(XmlWriter writer, InviteResult result)
    {
        writer.WriteStartElement("invite", XmlNames.Misc);
        WriteInvitation(writer, result.Invitation);
        writer.WriteEndElement();
    }

    public static void WriteInvitationAck(XmlWriter writer, InvitationAck ack)
    {
        writer.WriteStartElement("invitation-ack", XmlNames.Misc);
        writer.WriteElementString("value", XmlNames.Misc, ack.Value.ToString());
        WriteInvitation(writer, ack.Invitation);
        writer.WriteEndElement();
    }

    public static void WriteMixJoin(XmlWriter writer, MixJoin join)
    {
        EnsureJoinText(join);
        writer.WriteStartElement("join", XmlNames.Core);
        foreach (var node in join.Subscriptions)
        {
            writer.WriteStartElement("subscribe", XmlNames.Core);
            writer.WriteAttributeString("node", node);
            writer.WriteEndElement();
        }

        if (join.Nick is { } nick)
        {
            writer.WriteElementString("nick", XmlNames.Core, nick);
        }

        WriteInvitation(writer, join.Invitation);
        writer.WriteEndElement();
    }

    public static void WritePreauth(XmlWriter writer, Preauth preauth)
    {
        EnsureXmlText(preauth.Token, "token");
        writer.WriteStartElement("preauth", XmlNames.Pars);
        writer.WriteAttributeString("token", preauth.Token);
        writer.WriteEndElement();
    }

    public static XElement InvitationElement(Invitation invitation)
    {
        EnsureXmlText(invitation.Token, "token");
        var element = new XElement(MiscNs + "invitation");
        if (invitation.Inviter is { } inviter)
        {
            element.Add(new XElement(MiscNs + "inviter", inviter.ToString()));
        }

        if (invitation.Invitee is { } invitee)
        {
            element.Add(new XElement(MiscNs + "invitee", invitee.ToString()));
        }

        element.Add(new XElement(MiscNs + "channel", invitation.Channel.ToString()), new XElement(MiscNs + "token", invitation.Token));
        return element;
    }

    public static XElement InviteRequestElement(InviteRequest request) =>
        new(MiscNs + "invite", new XElement(MiscNs + "invitee", request.Invitee.ToString()));

    public static XElement InviteResultElement(InviteResult result) =>
        new(MiscNs + "invite", InvitationElement(result.Invitation));

    public static XElement InvitationAckElement(InvitationAck ack) =>
        new(MiscNs + "invitation-ack", new XElement(MiscNs + "value", ack.Value.ToString()), InvitationElement(ack.Invitation));

    public static XElement MixJoinElement(MixJoin join)
    {
        EnsureJoinText(join);
        var element = new XElement(CoreNs + "join");
        foreach (var node in join.Subscriptions)
        {
            element.Add(new XElement(CoreNs + "subscribe", new XAttribute("node", node)));
        }

        if (join.Nick is { } nick)
        {
            element.Add(new XElement(CoreNs + "nick", nick));
        }

        element.Add(InvitationElement(join.Invitation));
        return element;
    }

    public static XElement PreauthElement(Preauth preauth)
    {
        EnsureXmlText(preauth.Token, "token");
        return new XElement(ParsNs + "preauth", new XAttribute("token", preauth.Token));
    }

    private static void EnsureJoinText(MixJoin join)
    {
        foreach (var node in join.Subscriptions)
        {
            EnsureXmlText(node, "subscription");
        }

        if (join.Nick is { } nick)
        {
            EnsureXmlText(nick, "nick");
        }
    }
}
