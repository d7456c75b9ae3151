using System.Xml.Linq;

namespace Mix.Invitations.Component;

/// <summary>The XML namespaces and names the component speaks.</summary>
internal static class Names
{
    /// <summary>XEP-0114: the stream namespace of an accepting component connection.</summary>
    public static readonly XNamespace Component = "jabber:component:accept";

    /// <summary>RFC 6120 stream namespace (the <c>stream:</c> prefix).</summary>
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";

    /// <summary>XEP-0369 MIX core.</summary>
    public static readonly XNamespace MixCore = "urn:xmpp:mix:core:1";

    /// <summary>XEP-0407 MIX miscellaneous capabilities (invitations).</summary>
    public static readonly XNamespace MixMisc = "urn:xmpp:mix:misc:0";

    /// <summary>XEP-0379 pre-authenticated roster subscription (bearer tokens).</summary>
    public static readonly XNamespace Pars = "urn:xmpp:pars:0";

    /// <summary>XEP-0060 publish-subscribe: how XEP-0406 reads and changes a channel's configuration node.</summary>
    public static readonly XNamespace PubSub = "http://jabber.org/protocol/pubsub";

    /// <summary>XEP-0004 data forms.</summary>
    public static readonly XNamespace DataForms = "jabber:x:data";

    /// <summary>XEP-0406: the configuration node of a channel.</summary>
    public const string ConfigNode = "urn:xmpp:mix:nodes:config";

    /// <summary>XEP-0406: the FORM_TYPE of the configuration form.</summary>
    public const string MixAdmin = "urn:xmpp:mix:admin:0";

    /// <summary>XEP-0406: the configuration field that lets participants invite (boolean, default false).</summary>
    public const string ParticipantInvitationField = "Participation Addition by Invitation from Participant";

    /// <summary>XEP-0030 service discovery, info.</summary>
    public static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";

    /// <summary>XEP-0030 service discovery, items.</summary>
    public static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";

    /// <summary>XEP-0050 ad-hoc commands.</summary>
    public static readonly XNamespace Commands = "http://jabber.org/protocol/commands";

    /// <summary>XEP-0406: the configuration field that lists the channel's administrators (jid-multi).</summary>
    public const string AdministratorField = "Administrator";

    /// <summary>XEP-0199 XMPP ping.</summary>
    public static readonly XNamespace Ping = "urn:xmpp:ping";

    public static readonly XName Iq = Component + "iq";
    public static readonly XName Handshake = Component + "handshake";
    public static readonly XName StreamError = Streams + "error";
}
