namespace Mix.Invitations;

/// <summary>
/// The MIX nodes (XEP-0369 §7.1, and the XEP-0084 avatar nodes) an invitation may grant a subscription to on join, as
/// the bits of a token's nodes grant (docs/token-format.md section 13).
/// </summary>
[Flags]
public enum MixNodes : ushort
{
    /// <summary>No node.</summary>
    None = 0,

    /// <summary><c>urn:xmpp:mix:nodes:messages</c>.</summary>
    Messages = 1 << 0,

    /// <summary><c>urn:xmpp:mix:nodes:presence</c>.</summary>
    Presence = 1 << 1,

    /// <summary><c>urn:xmpp:mix:nodes:participants</c>.</summary>
    Participants = 1 << 2,

    /// <summary><c>urn:xmpp:mix:nodes:info</c>.</summary>
    Info = 1 << 3,

    /// <summary><c>urn:xmpp:mix:nodes:allowed</c>.</summary>
    Allowed = 1 << 4,

    /// <summary><c>urn:xmpp:mix:nodes:banned</c>.</summary>
    Banned = 1 << 5,

    /// <summary><c>urn:xmpp:mix:nodes:jidmap</c>.</summary>
    JidMap = 1 << 6,

    /// <summary><c>urn:xmpp:mix:nodes:config</c>.</summary>
    Config = 1 << 7,

    /// <summary><c>urn:xmpp:avatar:data</c>.</summary>
    AvatarData = 1 << 8,

    /// <summary><c>urn:xmpp:avatar:metadata</c>.</summary>
    AvatarMetadata = 1 << 9,
}
