namespace Mix.Invitations.Fuzz;

/// <summary>Words each target's mutations splice in; <c>seed</c> also writes them as libFuzzer <c>-dict</c> files.</summary>
internal static class Dictionaries
{
    private static readonly string[] Xml =
    [
        "<invitation xmlns='urn:xmpp:mix:misc:0'>", "</invitation>", "<inviter>", "</inviter>", "<invitee>", "</invitee>",
        "<channel>", "</channel>", "<token>", "</token>", "<join xmlns='urn:xmpp:mix:core:1'>", "</join>", "<nick>", "</nick>",
        "<subscribe node='urn:xmpp:mix:nodes:messages'/>", "<message>", "</message>", "<iq type='set'>", "</iq>",
        "urn:xmpp:mix:misc:0", "urn:xmpp:mix:core:1", "urn:xmpp:mix:0", "urn:xmpp:mix:1", "xmlns=", "xmlns:p=", "<p:", "</p:",
        "<![CDATA[", "]]>", "<!--", "-->", "<?xml version='1.0'?>", "<?xml version='1.0' encoding='utf-16'?>", "<?pi x?>",
        "<!DOCTYPE i [<!ENTITY e 'x'>]>", "&e;", "&amp;", "&lt;", "&#x41;", "&#65;", "&#x0;", "&#xD;", "\uFEFF", "\u0130", "\u03C2",
        "\uFF21", "\u202E", "\u0430", "@", "/", "coven@mix.shakespeare.example", "cat@shakespeare.example", "hag66@shakespeare.example",
    ];

    private static readonly string[] Uri =
    [
        "xmpp:", "xmpp://", "https://invite.example/", "http://", "#", "?", "?join", "?mix", ";", "&", "=", "preauth=", "inviter=",
        "invitee=", "%40", "%2F", "%00", "%C3%A9", "%E2%80%AE", "%FF", "%", "%4", "+", "@", "/", "coven@mix.shakespeare.example",
        "cat%40shakespeare.example", "[::1]", "xn--", "..",
    ];

    private static readonly string[] Token =
    [
        "A", "B", "Q", "g", "-", "_", "=", "+", "/", " ", "AQ", "AQE", "AQAB", "AQAC", "AQAD", "AQID", "AQEB", "AgAB", "AAAA", "____",
    ];

    /// <summary>Gets the words of a target.</summary>
    /// <param name="target">The target's name.</param>
    /// <returns>The words.</returns>
    public static IReadOnlyList<string> For(string target) => target switch
    {
        "invitation" => Xml,
        "uri" => Uri,
        _ => Token,
    };
}
