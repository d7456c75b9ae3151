using System.Xml.Linq;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// An empty <c>&lt;inviter/&gt;</c> or <c>&lt;invitee/&gt;</c> in an invitation names no one and is read as absent
/// (issue 21, requirement 6): QXmpp's <c>QXmppMixInvitation</c> writes every field, an unset one as an empty element,
/// so inviter-bound and unbound invitations that passed through a QXmpp client must still redeem. The rule is safe
/// only because the tag covers every bound address: emptying one must fail validation, which these tests prove for
/// each policy.
/// </summary>
public sealed class EmptyAddressElementTests
{
    private const string Misc = "urn:xmpp:mix:misc:0";

    private static readonly InvitationService Service = TestKeys.Service().Service;

    public static TheoryData<string, string> EmptySpellings => new()
    {
        { "inviter", "<inviter/>" },
        { "inviter", "<inviter></inviter>" },
        { "inviter", "<inviter><!-- nobody --></inviter>" },
        { "inviter", "<x:inviter xmlns:x='urn:xmpp:mix:misc:0'/>" },
        { "invitee", "<invitee/>" },
        { "invitee", "<invitee></invitee>" },
        { "invitee", "<invitee><![CDATA[]]></invitee>" },
        { "invitee", "<x:invitee xmlns:x='urn:xmpp:mix:misc:0'></x:invitee>" },
    };

    [Theory]
    [MemberData(nameof(EmptySpellings))]
    public void Read_EmptyAddressElement_IsAbsent(string name, string empty)
    {
        var xml = $"<invitation xmlns='{Misc}'>{empty}<channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>";

        var invitation = InvitationXml.Read<Invitation>(xml);

        invitation.Should().Be(new Invitation(TestKeys.Channel, "T"), $"an empty <{name}> names no one");
        InvitationXml.Read<Invitation>(XElement.Parse(xml)).Should().Be(invitation);
        InvitationXml.Read<MixJoin>($"<join xmlns='urn:xmpp:mix:core:1'>{xml}</join>").Invitation.Should().Be(invitation);
        InvitationXml.Read<InviteResult>($"<invite xmlns='{Misc}'>{xml}</invite>").Invitation.Should().Be(invitation);
    }

    [Fact]
    public void Read_QXmppShapeWithBothAddressesEmpty_IsChannelAndTokenOnly()
    {
        // What QXmppMixInvitation::toXml writes for an invitation with neither address set (QXmpp 1.4).
        const string xml = "<invitation xmlns=\"urn:xmpp:mix:misc:0\"><inviter/><invitee/><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>";

        var invitation = InvitationXml.Read<Invitation>(xml);

        invitation.Inviter.Should().BeNull();
        invitation.Invitee.Should().BeNull();
        invitation.Channel.Should().Be(TestKeys.Channel);
        invitation.ToXml().Should().NotContain("invitee").And.NotContain("inviter", "the writer omits what it does not carry");
    }

    [Theory]
    [InlineData("inviter", " ")]
    [InlineData("invitee", "\n  ")]
    [InlineData("invitee", "\t")]
    [InlineData("inviter", "&#x20;")]
    public void Read_WhitespaceOnlyAddress_IsRefusedNotAbsent(string name, string content)
    {
        var xml = $"<invitation xmlns='{Misc}'><{name}>{content}</{name}><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>";

        InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse();

        invitation.Should().BeNull();
        error.Should().Be($"<{name}> holds only whitespace; it must hold a JID, or nothing at all when it names no one");
    }

    [Theory]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0'><channel/><token>T</token></invitation>", "<channel> is empty; it must hold a JID")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0'><channel></channel><token>T</token></invitation>", "<channel> is empty; it must hold a JID")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0'><channel>coven@mix.shakespeare.example</channel><token></token></invitation>", "<token> in <invitation> is empty")]
    [InlineData("<invite xmlns='urn:xmpp:mix:misc:0'><invitee/></invite>", "<invitee> is empty; it must hold a JID")]
    public void Read_EmptyChannelTokenOrRequestedInvitee_IsStillRefused(string xml, string expected)
    {
        // The channel and the token are required; an invite request exists to name its invitee.
        var read = xml.StartsWith("<invite ", StringComparison.Ordinal)
            ? InvitationXml.TryRead<InviteRequest>(xml, out _, out var error)
            : InvitationXml.TryRead<Invitation>(xml, out _, out error);

        read.Should().BeFalse();
        error.Should().Be(expected);
    }

    [Theory]
    [InlineData("<invitee/>", "<invitee>cat@shakespeare.example</invitee>")]
    [InlineData("<invitee>cat@shakespeare.example</invitee>", "<invitee/>")]
    [InlineData("<inviter/>", "<inviter/>")]
    public void Read_EmptyBesideAnotherOfTheSameName_IsAmbiguous(string first, string second)
    {
        var xml = $"<invitation xmlns='{Misc}'>{first}{second}<channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>";

        InvitationXml.TryRead<Invitation>(xml, out _, out var error).Should().BeFalse();

        error.Should().MatchRegex("^<invitation> has more than one <invite[er]>, which is ambiguous$");
    }

    [Fact]
    public void InviteeBound_InviteeEmptied_IsRefusedForTheInviteeAndForAnyoneElse()
    {
        var issued = Service.Issue(TestKeys.InviteeBound());

        var emptied = ReadEmptied(issued.Invitation, "invitee");

        emptied.Invitee.Should().BeNull();
        foreach (var joiner in new Jid?[] { TestKeys.Invitee, TestKeys.Stranger, null })
        {
            var result = Service.Check(emptied, new InvitationContext { Channel = TestKeys.Channel, Joiner = joiner });
            result.IsValid.Should().BeFalse($"joiner {joiner}");
            result.Reason.Should().Be(InvitationFailureReason.BadSignature, "the tag covers the invitee it was issued for");
        }
    }

    [Fact]
    public void InviteeBound_InviterEmptied_IsRefused()
    {
        var issued = Service.Issue(TestKeys.InviteeBound());

        var result = Service.Check(ReadEmptied(issued.Invitation, "inviter"), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void InviteeBound_BothEmptied_IsRefused()
    {
        var issued = Service.Issue(TestKeys.InviteeBound());

        var result = Service.Check(ReadEmptied(issued.Invitation, "inviter", "invitee"), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void InviterBound_InviterEmptied_IsRefused()
    {
        var issued = Service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.InviterBoundName });

        var result = Service.Check(ReadEmptied(issued.Invitation, "inviter"), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });

        result.Reason.Should().Be(InvitationFailureReason.BadSignature, "the tag covers the inviter");
    }

    [Theory]
    [InlineData(BindingPolicies.InviterBoundName)]
    [InlineData(BindingPolicies.UnboundName)]
    public void UnboundAddressWrittenEmpty_AsQXmppWritesIt_StillValidates(string policy)
    {
        var issued = Service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = policy });
        var qxmppShape = $"<invitation xmlns=\"{Misc}\"><inviter>{issued.Invitation.Inviter}</inviter><invitee/><channel>{issued.Invitation.Channel}</channel><token>{issued.Token}</token></invitation>";

        var read = InvitationXml.Read<Invitation>(qxmppShape);

        read.Should().Be(issued.Invitation);
        Service.Check(read, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }).IsValid.Should().BeTrue();
    }

    /// <summary>Writes the invitation, empties the named address elements, and reads it back.</summary>
    private static Invitation ReadEmptied(Invitation invitation, params string[] names)
    {
        var element = XElement.Parse(invitation.ToXml());
        foreach (var name in names)
        {
            var child = element.Element(XName.Get(name, Misc));
            child.Should().NotBeNull($"the issued invitation carries <{name}>");
            child!.RemoveNodes();
        }

        var xml = element.ToString(SaveOptions.DisableFormatting);
        foreach (var name in names)
        {
            xml.Should().Contain($"<{name} />");
        }

        return InvitationXml.Read<Invitation>(xml);
    }
}
