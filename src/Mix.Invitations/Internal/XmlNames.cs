namespace Mix.Invitations.Internal;

/// <summary>Element and namespace names of the invitation protocols, and which namespaces the readers accept.</summary>
internal static class XmlNames
{
    public const string Misc = "urn:xmpp:mix:misc:0";
    public const string Core = "urn:xmpp:mix:core:1";
    public const string Pars = "urn:xmpp:pars:0";

    // Pre-2018 MIX drafts (XEP-0369 0.4-0.9.2 used mix:0, 0.9.3-0.10.1 mix:1) carried the invitation protocol in
    // the core namespace; 0.4-0.7.1 wrapped the request in a query of mix:0#request-invitation.
    public const string LegacyMix0 = "urn:xmpp:mix:0";
    public const string LegacyMix1 = "urn:xmpp:mix:1";
    public const string LegacyRequestInvitation = "urn:xmpp:mix:0#request-invitation";
    public const string LegacyCore0 = "urn:xmpp:mix:core:0";

    public static bool IsInvitationNamespace(string ns) =>
        ns is Misc or LegacyMix0 or LegacyMix1 or LegacyRequestInvitation;

    // The join itself: MIX-CORE today, the misc namespace of XEP-0407's own (slipped) example, and the drafts.
    public static bool IsJoinNamespace(string ns) => ns is Core or Misc or LegacyMix0 or LegacyMix1 or LegacyCore0;
}
