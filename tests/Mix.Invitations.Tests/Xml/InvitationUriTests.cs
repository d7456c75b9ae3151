using static Mix.Invitations.Tests.Xml.TestStanzas;

namespace Mix.Invitations.Tests.Xml;

public sealed class InvitationUriTests
{
    private static readonly Uri Landing = new("https://invite.example/");

    [Fact]
    public void ToXmppUri_BearerInvitation_IsJoinWithPreauth()
    {
        var invitation = new Invitation(Jid.Parse("coven@mix.shakespeare.lit"), "TOKEN");

        InvitationUri.ToXmppUri(invitation).Should().Be("xmpp:coven@mix.shakespeare.lit?join;preauth=TOKEN");
    }

    [Fact]
    public void ToXmppUri_BoundInvitation_CarriesInviterAndInviteePercentEncoded()
    {
        InvitationUri.ToXmppUri(Example).Should().Be(
            "xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF;inviter=hag66%40shakespeare.example;invitee=cat%40shakespeare.example");
    }

    [Fact]
    public void ToXmppUri_ReservedAndNonAsciiCharacters_ArePercentEncodedAsUtf8()
    {
        var channel = Jid.Parse("coven@mix.shakespeare.example");
        var invitation = new Invitation(channel, "a b+c;d=e&f/g%h~i-j_k.l\u00e9\U0001F600");

        var uri = InvitationUri.ToXmppUri(invitation);

        uri.Should().Be("xmpp:coven@mix.shakespeare.example?join;preauth=a%20b%2Bc%3Bd%3De%26f%2Fg%25h~i-j_k.l%C3%A9%F0%9F%98%80");
        InvitationUri.Parse(uri).Should().Be(invitation);
    }

    [Fact]
    public void ToXmppUriAndLandingLink_TokenWithAnUnpairedSurrogate_AreRefusedWithoutQuotingIt()
    {
        // Built here, not in [InlineData]: test-case serialisation would replace the lone surrogates with U+FFFD.
        string[] tokens = ["secret\uD800tail", "secret\uDC00tail", "secrettail\uD83D", "secret\uDE00\uD83Dtail"];
        foreach (var token in tokens)
        {
            var invitation = new Invitation(Jid.Parse("coven@mix.shakespeare.example"), token);

            var xmpp = () => InvitationUri.ToXmppUri(invitation);
            var landing = () => InvitationUri.ToLandingLink(invitation, Landing);

            foreach (var build in new[] { xmpp, landing })
            {
                var thrown = build.Should().Throw<ArgumentException>().Which;
                thrown.ParamName.Should().Be("invitation");
                thrown.Message.Should().Contain("unpaired surrogate").And.NotContain("secret");
            }
        }
    }

    [Fact]
    public void ToXmppUri_NonAsciiJids_RoundTrip()
    {
        if (!Jid.TryParse("caf\u00e9@mix.example".AsSpan(), out var channel, out _)
            || !Jid.TryParse("j\u00fcrgen@m\u00fcnchen.example".AsSpan(), out var inviter, out _))
        {
            Assert.Skip("invariant globalisation refuses non-ASCII JIDs");
            return;
        }

        var invitation = new Invitation(channel, "T", inviter);
        var uri = InvitationUri.ToXmppUri(invitation);

        uri.Should().StartWith("xmpp:caf%C3%A9@mix.example?join;preauth=T;inviter=j%C3%BCrgen%40m%C3%BCnchen.example");
        InvitationUri.Parse(uri).Should().Be(invitation);
    }

    [Fact]
    public void Parse_BuiltUri_RoundTrips()
    {
        InvitationUri.Parse(InvitationUri.ToXmppUri(Example)).Should().Be(Example);
    }

    [Theory]
    [InlineData("xmpp:coven@mix.shakespeare.example?mix&preauth=ABCDEF")]
    [InlineData("xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF")]
    [InlineData("XMPP:coven@mix.shakespeare.example?join;preauth=ABCDEF;name=Coven;ibr=y")]
    [InlineData("xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF;")]
    [InlineData("xmpp:coven%40mix.shakespeare.example?join;preauth=ABCDEF")]
    [InlineData("xmpp:Coven@Mix.Shakespeare.Example.?join;preauth=ABCDEF")]
    [InlineData("xmpp://hag66@shakespeare.example/coven@mix.shakespeare.example?join;preauth=ABCDEF")]
    [InlineData("xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF#ignored")]
    public void Parse_AcceptedForms_GiveTheBearerInvitation(string uri)
    {
        var invitation = InvitationUri.Parse(uri);

        invitation.Channel.Should().Be(Channel);
        invitation.Token.Should().Be("ABCDEF");
        invitation.Inviter.Should().BeNull();
        invitation.Invitee.Should().BeNull();
    }

    [Fact]
    public void Parse_PlusIsNotASpace()
    {
        InvitationUri.Parse("xmpp:coven@mix.shakespeare.example?join;preauth=A+B").Token.Should().Be("A+B");
    }

    [Fact]
    public void Parse_AmpersandFormWithInviter_ReadsIt()
    {
        var invitation = InvitationUri.Parse("xmpp:coven@mix.shakespeare.example?mix&preauth=ABCDEF&inviter=hag66%40shakespeare.example");

        invitation.Inviter.Should().Be(Inviter);
    }

    [Theory]
    [InlineData("", "no scheme")]
    [InlineData("coven@mix.example?join;preauth=T", "no scheme")]
    [InlineData("mailto:coven@mix.example?join;preauth=T", "scheme is not xmpp, https or http")]
    [InlineData("xmpp:?join;preauth=T", "names no channel JID")]
    [InlineData("xmpp:", "names no channel JID")]
    [InlineData("xmpp:coven@mix.example", "has no query")]
    [InlineData("xmpp:coven@mix.example?roster;preauth=T", "query action is not join or mix")]
    [InlineData("xmpp:coven@mix.example?join", "has no preauth token")]
    [InlineData("xmpp:coven@mix.example?join;preauth=", "'preauth' is empty")]
    [InlineData("xmpp:coven@mix.example?join;preauth", "'preauth' has no value")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A;preauth=B", "more than one preauth")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A&preauth=A", "more than one preauth")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A%2", "bad percent escape")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A%G1", "bad percent escape")]
    [InlineData("xmpp:coven%4@mix.example?join;preauth=A", "channel JID has a bad percent escape")]
    [InlineData("xmpp:coven@mix.example?join;preauth=%C3%28", "not UTF-8")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A;inviter=a%40b;inviter=a%40b", "more than one inviter")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A;invitee=%40b", "invitee is not a valid JID")]
    [InlineData("xmpp:@mix.example?join;preauth=A", "channel JID is not valid")]
    [InlineData("xmpp:coven@mix.example?join;preauth=A B", "space or control")]
    [InlineData("https://invite.example/coven", "no fragment")]
    [InlineData("xmpp://hag66@shakespeare.example?join;preauth=A", "authority but no channel")]
    public void TryParse_Malformed_GivesAClearError(string uri, string expected)
    {
        InvitationUri.TryParse(uri, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().Contain(expected);
        FluentActions.Invoking(() => InvitationUri.Parse(uri)).Should().ThrowExactly<InvitationFormatException>().WithMessage(error);
    }

    [Fact]
    public void TryParse_Error_NeverContainsTheToken()
    {
        InvitationUri.TryParse("xmpp:coven@mix.example?join;preauth=SECRET;preauth=SECRET2", out _, out var error).Should().BeFalse();
        error.Should().NotContain("SECRET");
    }

    [Fact]
    public void TryParse_LinkOverTheDefaultLimit_IsRefusedBeforeReadingIt()
    {
        var padded = Padded(InvitationReaderSettings.DefaultMaxUriLength);
        InvitationUri.TryParse(padded, out var atLimit, out _).Should().BeTrue("a link of exactly the limit is read");
        atLimit!.Token.Should().Be("ABCDEF");

        var over = padded + "x";
        InvitationUri.TryParse(over, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().Be("The link is 8193 characters, more than the limit of 8192");
        FluentActions.Invoking(() => InvitationUri.Parse(over)).Should().ThrowExactly<InvitationFormatException>().WithMessage(error);
    }

    [Fact]
    public void TryParse_LimitFromSettings_IsTheOneApplied()
    {
        var link = Padded(20_000);

        InvitationUri.TryParse(link, out _, out var error).Should().BeFalse();
        error.Should().Be("The link is 20000 characters, more than the limit of 8192");
        InvitationUri.TryParse(link, out var invitation, out _, new InvitationReaderSettings { MaxUriLength = 20_000 }).Should().BeTrue();
        invitation!.Channel.Should().Be(Channel);
        InvitationUri.Parse(link, new InvitationReaderSettings { MaxUriLength = 20_000 }).Should().Be(invitation);
        InvitationUri.TryParse("xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF;x=" + new string('y', 100), out _, out var small, new InvitationReaderSettings { MaxUriLength = 64 }).Should().BeFalse();
        small.Should().Be("The link is 157 characters, more than the limit of 64");
    }

    [Theory]
    [InlineData(63)]
    [InlineData(16 * 1024 * 1024 + 1)]
    public void MaxUriLength_OutOfRange_Throws(int value) =>
        FluentActions.Invoking(() => new InvitationReaderSettings { MaxUriLength = value }).Should().Throw<ArgumentOutOfRangeException>();

    private static string Padded(int length)
    {
        // An unknown query key is ignored, so it pads a genuine link to any length.
        const string Link = "xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF;x=";
        return Link + new string('y', length - Link.Length);
    }

    [Fact]
    public void ToLandingLink_PutsTheUriInTheFragment()
    {
        var invitation = new Invitation(Jid.Parse("coven@mix.example"), "TOKEN");

        InvitationUri.ToLandingLink(invitation, Landing).Should().Be("https://invite.example/#coven@mix.example?join;preauth=TOKEN");
    }

    [Fact]
    public void ToLandingLink_ConfigurableBaseWithPath_RoundTrips()
    {
        var link = InvitationUri.ToLandingLink(Example, new Uri("https://chat.example.org/i/"));

        link.Should().StartWith("https://chat.example.org/i/#coven@mix.shakespeare.example?join;preauth=ABCDEF;inviter=");
        InvitationUri.Parse(link).Should().Be(Example);
    }

    [Fact]
    public void Parse_LandingLinkWithXmppSchemeInFragment_IsAccepted()
    {
        InvitationUri.Parse("https://invite.example/#xmpp:coven@mix.shakespeare.example?join;preauth=ABCDEF").Channel.Should().Be(Channel);
    }

    [Theory]
    [InlineData("ftp://invite.example/")]
    [InlineData("https://invite.example/#frag")]
    public void ToLandingLink_BadBase_Throws(string landing)
    {
        FluentActions.Invoking(() => InvitationUri.ToLandingLink(Example, new Uri(landing))).Should().Throw<ArgumentException>().WithParameterName("landingPage");
    }

    [Fact]
    public void NullArguments_Throw()
    {
        FluentActions.Invoking(() => InvitationUri.Parse(null!)).Should().Throw<ArgumentNullException>().WithParameterName("uri");
        FluentActions.Invoking(() => InvitationUri.ToXmppUri(null!)).Should().Throw<ArgumentNullException>().WithParameterName("invitation");
        FluentActions.Invoking(() => InvitationUri.ToLandingLink(Example, null!)).Should().Throw<ArgumentNullException>().WithParameterName("landingPage");
    }
}
