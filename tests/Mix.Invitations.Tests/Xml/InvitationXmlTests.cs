using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using static Mix.Invitations.Tests.Xml.TestStanzas;

namespace Mix.Invitations.Tests.Xml;

public sealed partial class InvitationXmlTests
{
    [GeneratedRegex("<[a-z-]+>")]
    private static partial Regex NamesAnElement();

    [Fact]
    public void ReadInvitation_Element_ReturnsAllFields()
    {
        var invitation = InvitationXml.Read<Invitation>(InvitationElement);

        invitation.Should().Be(Example);
        invitation.Token.Should().Be("ABCDEF");
        invitation.Inviter.Should().Be(Inviter);
        invitation.Invitee.Should().Be(Invitee);
        invitation.Channel.Should().Be(Channel);
    }

    [Fact]
    public void ReadInvitation_Message_FindsTheInvitation()
    {
        InvitationXml.Read<Invitation>(Message).Should().Be(Example);
    }

    [Fact]
    public void ReadInvitation_OnlyChannelAndToken_LeavesInviterAndInviteeNull()
    {
        var invitation = InvitationXml.Read<Invitation>(WithChildren("<channel>coven@mix.shakespeare.example</channel><token>T</token>"));

        invitation.Inviter.Should().BeNull();
        invitation.Invitee.Should().BeNull();
        invitation.Channel.Should().Be(Channel);
    }

    [Fact]
    public void ReadInvitation_AnyPrefix_IsNamespaceAware()
    {
        const string xml = "<x:invitation xmlns:x='urn:xmpp:mix:misc:0'><x:channel>coven@mix.shakespeare.example</x:channel><x:token>ABCDEF</x:token></x:invitation>";

        InvitationXml.Read<Invitation>(xml).Channel.Should().Be(Channel);
    }

    [Fact]
    public void ReadInvitation_ChildrenInAnotherNamespace_AreNotTheFields()
    {
        const string xml = "<x:invitation xmlns:x='urn:xmpp:mix:misc:0'><channel>coven@mix.shakespeare.example</channel><x:token>ABCDEF</x:token></x:invitation>";

        InvitationXml.TryRead<Invitation>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be("<invitation> has no <channel>");
    }

    [Fact]
    public void ReadInvitation_WrongNamespace_IsNotAnInvitation()
    {
        InvitationXml.TryRead<Invitation>("<invitation xmlns='urn:example'><channel>a@b</channel><token>t</token></invitation>", out _, out var error)
            .Should().BeFalse();
        error.Should().Be("The input holds no <invitation>");
    }

    [Fact]
    public void ReadInvitation_UnknownChildren_AreIgnored()
    {
        var xml = WithChildren(
            "<x xmlns='urn:example'><channel>evil@example.com</channel></x><extra/><channel>coven@mix.shakespeare.example</channel>"
            + "<note>hi <b>there</b></note><token>ABCDEF</token>");

        var invitation = InvitationXml.Read<Invitation>(xml);

        invitation.Channel.Should().Be(Channel);
        invitation.Token.Should().Be("ABCDEF");
    }

    [Theory]
    [InlineData("inviter", "hag66@shakespeare.example")]
    [InlineData("invitee", "cat@shakespeare.example")]
    [InlineData("channel", "coven@mix.shakespeare.example")]
    [InlineData("token", "ABCDEF")]
    public void TryReadInvitation_DuplicateChild_IsAmbiguous(string child, string value)
    {
        var xml = InvitationElement.Replace("</invitation>", $"<{child}>{value}</{child}></invitation>", StringComparison.Ordinal);

        InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().Be($"<invitation> has more than one <{child}>, which is ambiguous");
    }

    [Fact]
    public void TryReadInvitation_MissingChannel_NamesIt()
    {
        InvitationXml.TryRead<Invitation>(WithChildren("<token>ABCDEF</token>"), out _, out var error).Should().BeFalse();
        error.Should().Be("<invitation> has no <channel>");
    }

    [Fact]
    public void TryReadInvitation_MissingToken_NamesIt()
    {
        InvitationXml.TryRead<Invitation>(WithChildren("<channel>coven@mix.shakespeare.example</channel>"), out _, out var error).Should().BeFalse();
        error.Should().Be("<invitation> has no <token>");
    }

    [Fact]
    public void TryReadInvitation_EmptyToken_IsRefused()
    {
        InvitationXml.TryRead<Invitation>(WithChildren("<channel>coven@mix.shakespeare.example</channel><token/>"), out _, out var error).Should().BeFalse();
        error.Should().Contain("<token>").And.Contain("empty");
    }

    [Fact]
    public void TryReadInvitation_BadJid_SurfacesTheJidError()
    {
        Jid.TryParse("juliet@<capulet>.lit".AsSpan(), out _, out var jidError).Should().BeFalse();
        var xml = WithChildren("<inviter>juliet@&lt;capulet&gt;.lit</inviter><channel>coven@mix.shakespeare.example</channel><token>T</token>");

        InvitationXml.TryRead<Invitation>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be($"<inviter> is not a valid JID: {jidError}");
    }

    [Fact]
    public void ReadInvitation_BadJid_ThrowsInvitationFormatException()
    {
        var act = () => InvitationXml.Read<Invitation>(WithChildren("<channel>@mix.example</channel><token>T</token>"));

        act.Should().Throw<InvitationFormatException>().WithMessage("<channel> is not a valid JID: *");
    }

    [Fact]
    public void TryReadInvitation_ElementInsideAField_IsRefused()
    {
        InvitationXml.TryRead<Invitation>(WithChildren("<channel>coven@<b>mix</b>.example</channel><token>T</token>"), out _, out var error).Should().BeFalse();
        error.Should().Be("<channel> must hold only text, but holds a child element");
    }

    [Fact]
    public void TryReadInvitation_FullJid_KeepsTheBareForm()
    {
        var invitation = InvitationXml.Read<Invitation>(WithChildren("<inviter>hag66@shakespeare.example/pda</inviter><channel>coven@mix.shakespeare.example</channel><token>T</token>"));

        invitation.Inviter.Should().Be(Inviter);
    }

    [Fact]
    public void TryReadInvitation_TwoInvitations_IsAmbiguous()
    {
        var xml = $"<message>{InvitationElement}{InvitationElement}</message>";

        InvitationXml.TryRead<Invitation>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be("The input holds more than one <invitation>, which is ambiguous");
    }

    [Fact]
    public void TryReadInvitation_NoInvitation_SaysSo()
    {
        InvitationXml.TryRead<Invitation>("<message><body>hi</body></message>", out _, out var error).Should().BeFalse();
        error.Should().Be("The input holds no <invitation>");
    }

    [Theory]
    [InlineData("<!DOCTYPE invitation><invitation xmlns='urn:xmpp:mix:misc:0'/>")]
    [InlineData("<!DOCTYPE i [<!ENTITY e 'coven@mix.shakespeare.example'>]><invitation xmlns='urn:xmpp:mix:misc:0'><channel>&e;</channel><token>T</token></invitation>")]
    [InlineData("<!DOCTYPE i [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><invitation xmlns='urn:xmpp:mix:misc:0'><channel>&e;</channel><token>T</token></invitation>")]
    [InlineData("<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;'><!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;'>]><invitation xmlns='urn:xmpp:mix:misc:0'><token>&lol3;</token></invitation>")]
    public void TryReadInvitation_Dtd_IsRefusedBeforeExpansion(string xml)
    {
        InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().StartWith("Cannot read <invitation>:").And.Contain("DTD");
    }

    [Fact]
    public void TryReadInvitation_UndeclaredEntity_IsRefused()
    {
        InvitationXml.TryRead<Invitation>(WithChildren("<channel>&e;</channel><token>T</token>"), out _, out var error).Should().BeFalse();
        error.Should().StartWith("Cannot read <invitation>:");
    }

    [Fact]
    public void TryReadInvitation_OverTheSizeLimit_IsRefused()
    {
        var settings = new InvitationReaderSettings { MaxInputSize = 256 };
        var atLimit = InvitationElement.Replace("<token>", "<pad>" + new string('x', 256 - InvitationElement.Length - 11) + "</pad><token>", StringComparison.Ordinal);
        atLimit.Length.Should().Be(256);
        var overLimit = atLimit.Replace("<pad>", "<pad>x", StringComparison.Ordinal);

        InvitationXml.TryRead<Invitation>(atLimit, out _, out _, settings).Should().BeTrue();
        InvitationXml.TryRead<Invitation>(overLimit, out _, out var error, settings).Should().BeFalse();
        error.Should().Be("Cannot read <invitation>: the input is 257 characters, more than the limit of 256");
    }

    [Fact]
    public void TryReadInvitation_DefaultSizeLimit_Is16KiB()
    {
        var big = WithChildren(new string(' ', 16 * 1024) + "<channel>coven@mix.shakespeare.example</channel><token>T</token>");

        InvitationXml.TryRead<Invitation>(big, out _, out var error).Should().BeFalse();
        error.Should().Contain("more than the limit of 16384");
    }

    [Fact]
    public void TryReadInvitation_TooDeep_IsRefused()
    {
        var settings = new InvitationReaderSettings { MaxDepth = 4 };
        var shallow = $"<a><b><c>{InvitationElement}</c></b></a>"; // channel at depth 4
        var deep = $"<a><b><c><d>{InvitationElement}</d></c></b></a>";

        InvitationXml.TryRead<Invitation>(shallow, out _, out _, settings).Should().BeTrue();
        InvitationXml.TryRead<Invitation>(deep, out _, out var error, settings).Should().BeFalse();
        error.Should().Be("<inviter> is nested more than 4 levels deep; the input is refused");
    }

    [Fact]
    public void TryReadInvitation_DeepInsideAnIgnoredChild_IsRefused()
    {
        var nested = string.Concat(Enumerable.Repeat("<x>", 40)) + string.Concat(Enumerable.Repeat("</x>", 40));

        InvitationXml.TryRead<Invitation>(WithChildren(nested + "<channel>a@b</channel><token>T</token>"), out _, out var error).Should().BeFalse();
        error.Should().Be("An element is nested more than 16 levels deep; the input is refused");
    }

    [Fact]
    public void ReaderSettings_OutOfRange_Throws()
    {
        var tooSmall = () => new InvitationReaderSettings { MaxInputSize = 10 };
        var tooShallow = () => new InvitationReaderSettings { MaxDepth = 1 };

        tooSmall.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
        tooShallow.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
    }

    [Fact]
    public void TryReadInvitation_EveryTruncation_GivesAnErrorNamingAnElement()
    {
        InvitationXml.TryRead<Invitation>(Message, out _, out _).Should().BeTrue();
        var offsets = 0;
        for (var length = 0; length < Message.Length; length++)
        {
            var prefix = Message[..length];

            InvitationXml.TryRead<Invitation>(prefix, out var invitation, out var error).Should().BeFalse($"a prefix of {length} characters is incomplete");
            invitation.Should().BeNull();
            NamesAnElement().IsMatch(error!).Should().BeTrue($"the error for {length} characters should name an element: {error}");
            var read = () => InvitationXml.Read<Invitation>(prefix);
            read.Should().ThrowExactly<InvitationFormatException>().WithMessage(error);
            offsets++;
        }

        offsets.Should().Be(Message.Length).And.BeGreaterThan(300);
    }

    [Fact]
    public void TryReadMixJoin_EveryTruncation_GivesAnError()
    {
        var join = new MixJoin(Example, ["urn:xmpp:mix:nodes:messages"], "third witch").ToXml();
        for (var length = 0; length < join.Length; length++)
        {
            InvitationXml.TryRead<MixJoin>(join[..length], out _, out var error).Should().BeFalse();
            error.Should().Contain("<");
        }
    }

    [Fact]
    public void ReadInvitation_XmlReaderOnAnElement_ReadsItAndStopsAfterIt()
    {
        using var reader = XmlReader.Create(new StringReader($"<r><first/>{InvitationElement}<after/></r>"));
        reader.ReadToFollowing("invitation", Misc).Should().BeTrue();

        InvitationXml.Read<Invitation>(reader).Should().Be(Example);
        reader.NodeType.Should().Be(XmlNodeType.Element);
        reader.LocalName.Should().Be("after");
    }

    [Fact]
    public void ReadInvitation_XmlReaderNotStarted_ReadsTheDocument()
    {
        using var reader = XmlReader.Create(new StringReader(Message));

        InvitationXml.Read<Invitation>(reader).Should().Be(Example);
    }

    [Fact]
    public void TryReadInvitation_XmlReaderAllowingDtd_IsRefused()
    {
        using var reader = XmlReader.Create(new StringReader(InvitationElement), new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse });

        InvitationXml.TryRead<Invitation>(reader, out _, out var error).Should().BeFalse();
        error.Should().Contain("DTD");
    }

    [Fact]
    public void TryReadInvitation_MalformedXmlReader_GivesAnErrorNotAnXmlException()
    {
        using var reader = XmlReader.Create(new StringReader("<invitation xmlns='urn:xmpp:mix:misc:0'><channel>a@b</chanel>"));

        InvitationXml.TryRead<Invitation>(reader, out _, out var error).Should().BeFalse();
        error.Should().StartWith("Cannot read <invitation>: the XML is not well-formed");
    }

    [Fact]
    public void ReadInvitation_XElement_ReadsIt()
    {
        var element = XElement.Parse(Message);

        InvitationXml.Read<Invitation>(element).Should().Be(Example);
        InvitationXml.TryRead<Invitation>(element.Elements().First(), out _, out var error).Should().BeFalse();
        error.Should().Be("The input holds no <invitation>");
    }

    [Fact]
    public void ReadInvitation_NullArguments_Throw()
    {
        FluentActions.Invoking(() => InvitationXml.Read<Invitation>((string)null!)).Should().Throw<ArgumentNullException>().WithParameterName("xml");
        FluentActions.Invoking(() => InvitationXml.Read<Invitation>((XmlReader)null!)).Should().Throw<ArgumentNullException>().WithParameterName("reader");
        FluentActions.Invoking(() => InvitationXml.Read<Invitation>((XElement)null!)).Should().Throw<ArgumentNullException>().WithParameterName("element");
        FluentActions.Invoking(() => Example.WriteTo(null!)).Should().Throw<ArgumentNullException>().WithParameterName("writer");
    }

    [Fact]
    public void ToXml_Invitation_WritesTheXep0407Shape()
    {
        Example.ToXml().Should().Be(
            "<invitation xmlns=\"urn:xmpp:mix:misc:0\"><inviter>hag66@shakespeare.example</inviter><invitee>cat@shakespeare.example</invitee>"
            + "<channel>coven@mix.shakespeare.example</channel><token>ABCDEF</token></invitation>");
    }

    [Fact]
    public void ToXml_TokenWithMarkup_IsEscapedAndReadBack()
    {
        var invitation = Example.WithToken("a<b&c>\"'");

        InvitationXml.Read<Invitation>(invitation.ToXml()).Should().Be(invitation);
    }

    [Fact]
    public void ToXml_TokenWithControlCharacter_ThrowsArgumentException()
    {
        FluentActions.Invoking(() => Example.WithToken("a\u0001").ToXml()).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void WriteTo_XmlWriter_WritesInsideAStanza()
    {
        var builder = new System.Text.StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("message", "jabber:client");
            Example.WriteTo(writer);
            writer.WriteEndElement();
        }

        InvitationXml.Read<Invitation>(builder.ToString()).Should().Be(Example);
    }

    [Fact]
    public void ToXElement_RoundTrips()
    {
        var element = Example.ToXElement();

        element.Name.Should().Be(XName.Get("invitation", Misc));
        InvitationXml.Read<Invitation>(element).Should().Be(Example);
    }

    [Fact]
    public void InviteRequest_RoundTripsThroughEveryForm()
    {
        var request = new InviteRequest(Invitee);

        request.ToXml().Should().Be("<invite xmlns=\"urn:xmpp:mix:misc:0\"><invitee>cat@shakespeare.example</invitee></invite>");
        InvitationXml.Read<InviteRequest>(request.ToXml()).Should().Be(request);
        InvitationXml.Read<InviteRequest>(request.ToXElement()).Should().Be(request);
    }

    [Fact]
    public void ReadInviteRequest_ResultInstead_SaysItIsNotARequest()
    {
        InvitationXml.TryRead<InviteRequest>(new InviteResult(Example).ToXml(), out _, out var error).Should().BeFalse();
        error.Should().Be("<invite> has no <invitee>; it is not an invitation request");
    }

    [Fact]
    public void InviteResult_RoundTripsThroughEveryForm()
    {
        var result = new InviteResult(Example);

        InvitationXml.Read<InviteResult>(result.ToXml()).Should().Be(result);
        InvitationXml.Read<InviteResult>(result.ToXElement()).Should().Be(result);
    }

    [Fact]
    public void ReadInviteResult_TwoInvitations_IsAmbiguous()
    {
        var xml = $"<invite xmlns='{Misc}'>{InvitationElement}{InvitationElement}</invite>";

        InvitationXml.TryRead<InviteResult>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be("<invite> has more than one <invitation>, which is ambiguous");
    }

    [Theory]
    [InlineData(InvitationAckKind.Joined, "Joined")]
    [InlineData(InvitationAckKind.Declined, "Declined")]
    [InlineData(InvitationAckKind.Acknowledged, "Acknowledged")]
    public void InvitationAck_WritesExactValueAndRoundTrips(InvitationAckKind kind, string wire)
    {
        var ack = new InvitationAck(kind, Example);

        ack.ToXml().Should().StartWith($"<invitation-ack xmlns=\"urn:xmpp:mix:misc:0\"><value>{wire}</value><invitation>");
        InvitationXml.Read<InvitationAck>(ack.ToXml()).Should().Be(ack);
        InvitationXml.Read<InvitationAck>(ack.ToXElement()).Should().Be(ack);
    }

    [Theory]
    [InlineData("joined")]
    [InlineData(" Joined")]
    [InlineData("Accepted")]
    [InlineData("")]
    public void ReadInvitationAck_OtherValue_IsRefused(string value)
    {
        var xml = $"<invitation-ack xmlns='{Misc}'><value>{value}</value>{InvitationElement}</invitation-ack>";

        InvitationXml.TryRead<InvitationAck>(xml, out _, out var error).Should().BeFalse();
        error.Should().Contain("is not exactly Joined, Declined or Acknowledged");
    }

    [Fact]
    public void InvitationAck_UndefinedKind_Throws()
    {
        FluentActions.Invoking(() => new InvitationAck((InvitationAckKind)7, Example)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
    }

    [Fact]
    public void MixJoin_WritesCoreJoinWithMiscInvitation()
    {
        var join = new MixJoin(Example, ["urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:presence"], "third witch");

        var xml = join.ToXml();

        xml.Should().StartWith("<join xmlns=\"urn:xmpp:mix:core:1\"><subscribe node=\"urn:xmpp:mix:nodes:messages\" />");
        xml.Should().Contain("<nick>third witch</nick><invitation xmlns=\"urn:xmpp:mix:misc:0\"><inviter>");
        InvitationXml.Read<MixJoin>(xml).Should().Be(join);
        InvitationXml.Read<MixJoin>(join.ToXElement()).Should().Be(join);
    }

    [Fact]
    public void ReadMixJoin_InvitationInheritingCoreNamespace_IsAccepted()
    {
        const string xml = "<iq type='set'><join xmlns='urn:xmpp:mix:core:1'><subscribe node='urn:xmpp:mix:nodes:messages'/>"
            + "<invitation><channel>coven@mix.shakespeare.example</channel><token>ABCDEF</token></invitation></join></iq>";

        var join = InvitationXml.Read<MixJoin>(xml);

        join.Invitation.Channel.Should().Be(Channel);
        join.Subscriptions.Should().Equal("urn:xmpp:mix:nodes:messages");
        InvitationXml.Read<Invitation>(xml).Channel.Should().Be(Channel);
    }

    [Fact]
    public void ReadMixJoin_ClientJoinOfMixPam_FindsTheJoin()
    {
        var xml = "<iq type='set'><client-join xmlns='urn:xmpp:mix:pam:2' channel='coven@mix.shakespeare.example'>"
            + $"<join xmlns='urn:xmpp:mix:core:1'><nick>third witch</nick>{InvitationElement}</join></client-join></iq>";

        var join = InvitationXml.Read<MixJoin>(xml);

        join.Nick.Should().Be("third witch");
        join.Invitation.Should().Be(Example);
    }

    [Fact]
    public void ReadMixJoin_WithoutInvitation_NamesIt()
    {
        InvitationXml.TryRead<MixJoin>("<join xmlns='urn:xmpp:mix:core:1'><nick>n</nick></join>", out _, out var error).Should().BeFalse();
        error.Should().Be("<join> has no <invitation>");
    }

    [Fact]
    public void Preauth_RoundTripsAndReadsFromPresenceAndIq()
    {
        var preauth = new Preauth("1tMFqYDdKhfe2pwp");

        preauth.ToXml().Should().Be("<preauth token=\"1tMFqYDdKhfe2pwp\" xmlns=\"urn:xmpp:pars:0\" />");
        InvitationXml.Read<Preauth>(preauth.ToXml()).Should().Be(preauth);
        InvitationXml.Read<Preauth>(preauth.ToXElement()).Should().Be(preauth);
        InvitationXml.Read<Preauth>("<presence type='subscribe'><p:preauth xmlns:p='urn:xmpp:pars:0' token='abc'/></presence>").Token.Should().Be("abc");
        InvitationXml.Read<Preauth>("<iq type='set'><preauth xmlns='urn:xmpp:pars:0' token='abc'></preauth></iq>").Token.Should().Be("abc");
    }

    [Theory]
    [InlineData("<presence><preauth xmlns='urn:xmpp:pars:0'/></presence>", "<preauth> has no 'token' attribute")]
    [InlineData("<presence><preauth xmlns='urn:xmpp:pars:0' token=''/></presence>", "<preauth> has an empty 'token' attribute")]
    [InlineData("<presence><preauth xmlns='urn:xmpp:pars:0' token='a'/><preauth xmlns='urn:xmpp:pars:0' token='b'/></presence>", "The input holds more than one <preauth>, which is ambiguous")]
    [InlineData("<presence><preauth xmlns='urn:xmpp:invite:1' token='a'/></presence>", "The input holds no <preauth>")]
    public void TryReadPreauth_Bad_GivesTheError(string xml, string expected)
    {
        InvitationXml.TryRead<Preauth>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be(expected);
    }
}
