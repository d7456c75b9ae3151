namespace Mix.Invitations.Tests.Xml;

/// <summary>Shared inputs: the XEP-0407 example invitation and expected values.</summary>
internal static class TestStanzas
{
    public const string Misc = "urn:xmpp:mix:misc:0";

    public static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    public static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");
    public static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    public static Invitation Example => new(Channel, "ABCDEF", Inviter, Invitee);

    public const string InvitationElement =
        "<invitation xmlns='urn:xmpp:mix:misc:0'>"
        + "<inviter>hag66@shakespeare.example</inviter>"
        + "<invitee>cat@shakespeare.example</invitee>"
        + "<channel>coven@mix.shakespeare.example</channel>"
        + "<token>ABCDEF</token>"
        + "</invitation>";

    // XEP-0407 example 8, without a trailing newline, so that every proper prefix is incomplete.
    public const string Message =
        "<message from='hag66@shakespeare.example/UUID-h5z/0253' id='f5pp2toz' to='cat@shakespeare.example'>\n"
        + "    <body>Would you like to join the coven?</body>\n"
        + "    <invitation xmlns='urn:xmpp:mix:misc:0'>\n"
        + "        <inviter>hag66@shakespeare.example</inviter>\n"
        + "        <invitee>cat@shakespeare.example</invitee>\n"
        + "        <channel>coven@mix.shakespeare.example</channel>\n"
        + "        <token>ABCDEF</token>\n"
        + "   </invitation>\n"
        + "</message>";

    public static string WithChildren(string children) => $"<invitation xmlns='{Misc}'>{children}</invitation>";
}
