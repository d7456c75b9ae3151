using System.Diagnostics.CodeAnalysis;
using System.Xml;
using static Mix.Invitations.Internal.InvitationXmlReaderCore;

namespace Mix.Invitations.Internal;

/// <summary>The shape parsers: one per element of XEP-0407 §6, the MIX join and XEP-0379 preauth.</summary>
internal static class InvitationParsers
{
    public static readonly Shape<Invitation> InvitationShape = new(
        "invitation",
        static r => r.LocalName == "invitation" && (XmlNames.IsInvitationNamespace(r.NamespaceURI) || r.NamespaceURI == XmlNames.Core),
        ParseInvitation);

    public static readonly Shape<InviteRequest> InviteRequestShape = new("invite", IsInvite, ParseInviteRequest);

    public static readonly Shape<InviteResult> InviteResultShape = new("invite", IsInvite, ParseInviteResult);

    public static readonly Shape<InvitationAck> InvitationAckShape = new(
        "invitation-ack",
        static r => r.LocalName == "invitation-ack" && XmlNames.IsInvitationNamespace(r.NamespaceURI),
        ParseInvitationAck);

    public static readonly Shape<MixJoin> MixJoinShape = new(
        "join",
        static r => r.LocalName == "join" && XmlNames.IsJoinNamespace(r.NamespaceURI),
        ParseMixJoin);

    public static readonly Shape<Preauth> PreauthShape = new(
        "preauth",
        static r => r.LocalName == "preauth" && r.NamespaceURI == XmlNames.Pars,
        ParsePreauth);

    // XEP-0407 <invite/>, the drafts' <invite xmlns='urn:xmpp:mix:1'/>, and 0.4-0.7.1's <query xmlns='…#request-invitation'/>.
    private static bool IsInvite(XmlReader r) =>
        (r.LocalName == "invite" && r.NamespaceURI is XmlNames.Misc or XmlNames.LegacyMix0 or XmlNames.LegacyMix1)
        || (r.LocalName == "query" && r.NamespaceURI == XmlNames.LegacyRequestInvitation);

    private static bool IsNestedInvitation(XmlReader r, string parentNamespace) =>
        r.LocalName == "invitation" && (XmlNames.IsInvitationNamespace(r.NamespaceURI) || r.NamespaceURI == parentNamespace);

    private static string Duplicate(string parent, string child) =>
        $"<{parent}> has more than one <{child}>, which is ambiguous";

    private static bool ParseInvitation(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out Invitation? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var ns = reader.NamespaceURI;
        var depth = reader.Depth;
        Jid? inviter = null, invitee = null, channel = null;
        bool seenInviter = false, seenInvitee = false;
        string? token = null;
        if (!reader.IsEmptyElement)
        {
            while (NextChild(reader, depth, context, out error))
            {
                if (reader.NamespaceURI != ns)
                {
                    continue;
                }

                switch (reader.LocalName)
                {
                    // An empty <inviter/> or <invitee/> names no one (QXmpp writes one for an unset field), but it is
                    // still an element: a second one beside it is as ambiguous as any other duplicate.
                    case "inviter":
                        if (seenInviter)
                        {
                            error = Duplicate("invitation", "inviter");
                            return false;
                        }

                        seenInviter = true;
                        if (!TryReadOptionalJid(reader, context, out inviter, out error))
                        {
                            return false;
                        }

                        break;
                    case "invitee":
                        if (seenInvitee)
                        {
                            error = Duplicate("invitation", "invitee");
                            return false;
                        }

                        seenInvitee = true;
                        if (!TryReadOptionalJid(reader, context, out invitee, out error))
                        {
                            return false;
                        }

                        break;
                    case "channel":
                        if (channel is not null)
                        {
                            error = Duplicate("invitation", "channel");
                            return false;
                        }

                        if (!TryReadJid(reader, context, out var where, out error))
                        {
                            return false;
                        }

                        channel = where;
                        break;
                    case "token":
                        if (token is not null)
                        {
                            error = Duplicate("invitation", "token");
                            return false;
                        }

                        if (!TryReadText(reader, context, out token, out error))
                        {
                            return false;
                        }

                        if (token.Length == 0)
                        {
                            error = "<token> in <invitation> is empty";
                            return false;
                        }

                        break;
                }
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (channel is null)
        {
            error = "<invitation> has no <channel>";
            return false;
        }

        if (token is null)
        {
            error = "<invitation> has no <token>";
            return false;
        }

        value = new Invitation(channel.Value, token, inviter, invitee);
        error = null;
        return true;
    }

    private static bool ParseInviteRequest(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out InviteRequest? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var ns = reader.NamespaceURI;
        var name = reader.LocalName;
        var depth = reader.Depth;
        Jid? invitee = null;
        if (!reader.IsEmptyElement)
        {
            while (NextChild(reader, depth, context, out error))
            {
                if (reader.LocalName != "invitee" || reader.NamespaceURI != ns)
                {
                    continue;
                }

                if (invitee is not null)
                {
                    error = Duplicate(name, "invitee");
                    return false;
                }

                if (!TryReadJid(reader, context, out var to, out error))
                {
                    return false;
                }

                invitee = to;
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (invitee is null)
        {
            error = $"<{name}> has no <invitee>; it is not an invitation request";
            return false;
        }

        value = new InviteRequest(invitee.Value);
        error = null;
        return true;
    }

    private static bool ParseInviteResult(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out InviteResult? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var ns = reader.NamespaceURI;
        var name = reader.LocalName;
        if (!TryReadSingleInvitation(reader, context, name, ns, out var invitation, out error))
        {
            return false;
        }

        if (invitation is null)
        {
            error = $"<{name}> has no <invitation>; it is not an invitation result";
            return false;
        }

        value = new InviteResult(invitation);
        return true;
    }

    private static bool ParseInvitationAck(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out InvitationAck? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var ns = reader.NamespaceURI;
        var depth = reader.Depth;
        Invitation? invitation = null;
        InvitationAckKind? kind = null;
        if (!reader.IsEmptyElement)
        {
            while (NextChild(reader, depth, context, out error))
            {
                if (IsNestedInvitation(reader, ns))
                {
                    if (invitation is not null)
                    {
                        error = Duplicate("invitation-ack", "invitation");
                        return false;
                    }

                    if (!ParseInvitation(reader, context, out invitation, out error))
                    {
                        return false;
                    }
                }
                else if (reader.LocalName == "value" && reader.NamespaceURI == ns)
                {
                    if (kind is not null)
                    {
                        error = Duplicate("invitation-ack", "value");
                        return false;
                    }

                    if (!TryReadText(reader, context, out var text, out error))
                    {
                        return false;
                    }

                    // XEP-0407 lists the values exactly; no case folding or trimming, so one value has one spelling.
                    kind = text switch
                    {
                        "Joined" => InvitationAckKind.Joined,
                        "Declined" => InvitationAckKind.Declined,
                        "Acknowledged" => InvitationAckKind.Acknowledged,
                        _ => null,
                    };
                    if (kind is null)
                    {
                        error = "<value> in <invitation-ack> is not exactly Joined, Declined or Acknowledged";
                        return false;
                    }
                }
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (kind is null)
        {
            error = "<invitation-ack> has no <value>";
            return false;
        }

        if (invitation is null)
        {
            error = "<invitation-ack> has no <invitation>";
            return false;
        }

        value = new InvitationAck(kind.Value, invitation);
        error = null;
        return true;
    }

    private static bool ParseMixJoin(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out MixJoin? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var ns = reader.NamespaceURI;
        var depth = reader.Depth;
        Invitation? invitation = null;
        string? nick = null;
        List<string>? nodes = null;
        if (!reader.IsEmptyElement)
        {
            while (NextChild(reader, depth, context, out error))
            {
                if (IsNestedInvitation(reader, ns))
                {
                    if (invitation is not null)
                    {
                        error = Duplicate("join", "invitation");
                        return false;
                    }

                    if (!ParseInvitation(reader, context, out invitation, out error))
                    {
                        return false;
                    }
                }
                else if (reader.NamespaceURI == ns && reader.LocalName == "subscribe")
                {
                    var node = reader.GetAttribute("node");
                    if (string.IsNullOrEmpty(node))
                    {
                        error = "<subscribe> in <join> has no 'node' attribute";
                        return false;
                    }

                    (nodes ??= []).Add(node);
                }
                else if (reader.NamespaceURI == ns && reader.LocalName == "nick")
                {
                    if (nick is not null)
                    {
                        error = Duplicate("join", "nick");
                        return false;
                    }

                    if (!TryReadText(reader, context, out nick, out error))
                    {
                        return false;
                    }
                }
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (invitation is null)
        {
            error = "<join> has no <invitation>";
            return false;
        }

        value = new MixJoin(invitation, nodes, nick);
        error = null;
        return true;
    }

    private static bool ParsePreauth(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out Preauth? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var token = reader.GetAttribute("token");
        var depth = reader.Depth;
        if (!reader.IsEmptyElement)
        {
            // The element is empty by definition; any content is ignored, but still walked for depth.
            while (NextChild(reader, depth, context, out error))
            {
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (token is null)
        {
            error = "<preauth> has no 'token' attribute";
            return false;
        }

        if (token.Length == 0)
        {
            error = "<preauth> has an empty 'token' attribute";
            return false;
        }

        value = new Preauth(token);
        error = null;
        return true;
    }

    private static bool TryReadSingleInvitation(XmlReader reader, in ReadContext context, string parentName, string parentNamespace, out Invitation? invitation, [NotNullWhen(false)] out string? error)
    {
        invitation = null;
        error = null;
        if (reader.IsEmptyElement)
        {
            return true;
        }

        var depth = reader.Depth;
        while (NextChild(reader, depth, context, out error))
        {
            if (!IsNestedInvitation(reader, parentNamespace))
            {
                continue;
            }

            if (invitation is not null)
            {
                error = Duplicate(parentName, "invitation");
                return false;
            }

            if (!ParseInvitation(reader, context, out invitation, out error))
            {
                return false;
            }
        }

        return error is null;
    }
}
