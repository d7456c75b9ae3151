using System.Security;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// Unicode identity end to end (issue 9, requirement 2): a token issued for one spelling of a JID validates for
/// every spelling RFC 7622 (PRECIS UsernameCaseMapped for localparts, UTS #46 for domainparts) makes equal, and is
/// refused for every spelling it keeps distinct — confusables included, which PRECIS does not merge (display is
/// UTS #39's business, not identity's). Each case issues for spelling A and presents the invitation, through the
/// XML reader, with the field spelled B and the joiner spelled B.
/// </summary>
public class UnicodeIdentityTests
{
    private const string Misc = "urn:xmpp:mix:misc:0";

    /// <summary>Field, spelling issued for, spelling presented, which RFC 7622 makes equal.</summary>
    public static TheoryData<string, string, string, string> EqualSpellings => new()
    {
        { "ASCII case", "invitee", "cat@shakespeare.example", "CaT@ShakeSpeare.EXAMPLE" },
        { "fullwidth localpart and domain", "invitee", "cat@shakespeare.example", "ｃａｔ@ｓｈａｋｅｓｐｅａｒｅ．ｅｘａｍｐｌｅ" },
        { "fullwidth channel", "channel", "coven@mix.shakespeare.example", "ＣＯＶＥＮ@mix.shakespeare.example" },
        { "NFD vs NFC localpart", "invitee", "caf\u00E9@shakespeare.example", "cafe\u0301@shakespeare.example" },
        { "NFD vs NFC domain", "inviter", "hag66@caf\u00E9.example", "hag66@cafe\u0301.example" },
        { "non-ASCII case", "invitee", "caf\u00E9@shakespeare.example", "CAF\u00C9@shakespeare.example" },
        { "Cyrillic case", "channel", "\u043A\u043E\u0432\u0435\u043D@mix.shakespeare.example", "\u041A\u041E\u0412\u0415\u041D@mix.shakespeare.example" },
        { "U+0130 lowers to i + U+0307", "invitee", "i\u0307stanbul@shakespeare.example", "\u0130stanbul@shakespeare.example" },
        { "final sigma from capital sigma", "invitee", "\u03C3\u03B1\u03C2@shakespeare.example", "\u03A3\u0391\u03A3@shakespeare.example" },
        { "KELVIN SIGN is K", "invitee", "kat@shakespeare.example", "\u212Aat@shakespeare.example" },
        { "capital sharp s", "invitee", "stra\u00DFe@shakespeare.example", "STRA\u1E9EE@shakespeare.example" },
        { "A-label vs U-label", "channel", "coven@caf\u00E9.example", "coven@xn--caf-dma.example" },
        { "ideographic full stop", "channel", "coven@mix.shakespeare.example", "coven@mix\u3002shakespeare\u3002example" },
        { "trailing dot", "channel", "coven@mix.shakespeare.example", "coven@mix.shakespeare.example." },
        { "resource ignored", "invitee", "cat@shakespeare.example", "cat@shakespeare.example/pda \u03A9" },
        { "right-to-left localpart", "invitee", "\u05D0\u05D1@shakespeare.example", "\u05D0\u05D1@SHAKESPEARE.example" },
    };

    /// <summary>Field, spelling issued for, a valid spelling RFC 7622 keeps distinct.</summary>
    public static TheoryData<string, string, string, string> DistinctSpellings => new()
    {
        { "Cyrillic a vs Latin a", "invitee", "cat@shakespeare.example", "c\u0430t@shakespeare.example" },
        { "Greek omicron vs Latin o", "channel", "coven@mix.shakespeare.example", "c\u03BFven@mix.shakespeare.example" },
        { "Cyrillic domain", "inviter", "hag66@shakespeare.example", "hag66@shakesp\u0435are.example" },
        { "U+0130 is not plain i", "invitee", "istanbul@shakespeare.example", "\u0130stanbul@shakespeare.example" },
        { "dotless i is not i", "invitee", "istanbul@shakespeare.example", "\u0131stanbul@shakespeare.example" },
        { "final sigma kept (RFC 8265, not RFC 7613's folding)", "invitee", "\u03C3\u03B1\u03C2@shakespeare.example", "\u03C3\u03B1\u03C3@shakespeare.example" },
        { "sharp s is not ss", "invitee", "stra\u00DFe@shakespeare.example", "strasse@shakespeare.example" },
        { "d + z caron, not the digraph", "invitee", "d\u017Eemal@shakespeare.example", "dzemal@shakespeare.example" },
        { "combining dot kept", "invitee", "istanbul@shakespeare.example", "i\u0307stanbul@shakespeare.example" },
        { "digit one vs letter l", "channel", "coven1@mix.shakespeare.example", "covenl@mix.shakespeare.example" },
        { "Hebrew letter order", "invitee", "\u05D0\u05D1@shakespeare.example", "\u05D1\u05D0@shakespeare.example" },
        { "subdomain", "channel", "coven@mix.shakespeare.example", "coven@shakespeare.example" },
    };

    /// <summary>Spellings no JID may hold: refused by the reader, naming the element, before any token is looked at.</summary>
    public static TheoryData<string, string> DisallowedSpellings => new()
    {
        { "titlecase digraph ǅ (compatibility character)", "\u01C5emal@shakespeare.example" },
        { "lowercase digraph ǆ", "\u01C6emal@shakespeare.example" },
        { "roman numeral", "\u2163@shakespeare.example" },
        { "ligature fi", "\uFB01sh@shakespeare.example" },
        { "right-to-left override", "\u202Ecat@shakespeare.example" },
        { "left-to-right mark", "cat\u200E@shakespeare.example" },
        { "zero width joiner out of context", "c\u200Dat@shakespeare.example" },
        { "soft hyphen", "c\u00ADat@shakespeare.example" },
        { "bidi rule: LTR then RTL", "a\u05D0@shakespeare.example" },
        { "space", "c at@shakespeare.example" },
        { "no-break space", "c\u00A0at@shakespeare.example" },
        { "unassigned code point", "c\u0378t@shakespeare.example" },
        { "RFC 7622 §3.3.1 apostrophe", "o'neil@shakespeare.example" },
        { "domain with an empty label", "cat@shakespeare..example" },
        { "domain ending in two dots", "cat@caf\u00E9.example.." },
        { "domain with underscore (STD3)", "cat@shake_speare.example" },
    };

    [Theory]
    [MemberData(nameof(EqualSpellings))]
    public void Token_IssuedForOneSpelling_ValidatesForEveryEqualSpelling(string why, string field, string issuedFor, string presented)
    {
        var (service, invitation) = Issue(field, issuedFor);

        Jid.Parse(presented).Bare.Should().Be(Jid.Parse(issuedFor), why);
        var read = ReadPresented(invitation, field, presented);
        var joiner = field == "invitee" ? Jid.Parse(presented) : TestKeys.Invitee;
        var channel = field == "channel" ? Jid.Parse(presented) : TestKeys.Channel;

        var result = service.Check(read, new InvitationContext { Channel = channel, Joiner = joiner });

        result.Reason.Should().Be(InvitationFailureReason.None, why);
    }

    [Theory]
    [MemberData(nameof(DistinctSpellings))]
    public void Token_IssuedForOneSpelling_IsRefusedForEveryDistinctSpelling(string why, string field, string issuedFor, string presented)
    {
        var (service, invitation) = Issue(field, issuedFor);

        Jid.Parse(presented).Should().NotBe(Jid.Parse(issuedFor), why);
        var read = ReadPresented(invitation, field, presented);
        var joiner = field == "invitee" ? Jid.Parse(presented) : TestKeys.Invitee;
        var channel = field == "channel" ? Jid.Parse(presented) : TestKeys.Channel;

        var result = service.Check(read, new InvitationContext { Channel = channel, Joiner = joiner });

        result.Reason.Should().Be(InvitationFailureReason.BadSignature, $"{why}: the MAC covers the canonical JID, which differs");

        // The genuine invitation presented by a joiner of the distinct spelling: not its invitee.
        if (field == "invitee")
        {
            service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = Jid.Parse(presented) }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch, why);
        }
    }

    [Theory]
    [MemberData(nameof(DisallowedSpellings))]
    public void DisallowedSpelling_IsRefusedByTheReaderNamingTheElement(string why, string presented)
    {
        Jid.TryParse(presented.AsSpan(), out _, out var jidError).Should().BeFalse(why);

        foreach (var field in new[] { "inviter", "invitee", "channel" })
        {
            var xml = Xml(field == "inviter" ? presented : "hag66@shakespeare.example", field == "invitee" ? presented : "cat@shakespeare.example", field == "channel" ? presented : "coven@mix.shakespeare.example", "AAAA");

            InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse(why);
            invitation.Should().BeNull();
            error.Should().Be($"<{field}> is not a valid JID: {jidError}", why);
        }

        var uri = "xmpp:coven@mix.shakespeare.example?join;preauth=AAAA;invitee=" + Uri.EscapeDataString(presented);
        InvitationUri.TryParse(uri, out _, out var uriError).Should().BeFalse(why);
        uriError.Should().Contain("invitee", why);
    }

    [Fact]
    public void BearerToken_ChannelSpelledDifferentlyButEqual_Validates()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(new InvitationIssueRequest { Channel = Jid.Parse("coven@mix.shakespeare.example"), Policy = BindingPolicies.UnboundName }).Invitation;

        service.CheckToken(invitation.Token, new InvitationContext { Channel = Jid.Parse("ＣＯＶＥＮ@MIX.shakespeare.example."), Joiner = TestKeys.Stranger }).IsValid.Should().BeTrue();
        service.CheckToken(invitation.Token, new InvitationContext { Channel = Jid.Parse("c\u043Even@mix.shakespeare.example"), Joiner = TestKeys.Stranger }).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void Normalisation_IsIdempotentOverEveryTestedSpelling()
    {
        var spellings = EqualSpellings.Select(row => row.Data.Item3).Concat(EqualSpellings.Select(row => row.Data.Item4))
            .Concat(DistinctSpellings.Select(row => row.Data.Item3)).Concat(DistinctSpellings.Select(row => row.Data.Item4));

        foreach (var spelling in spellings)
        {
            var once = Jid.Parse(spelling);
            Jid.Parse(once.ToString()).Should().Be(once, spelling);
            InvitationCanonicalForm.ToArray(Jid.Parse(once.ToString()), null, null).Should().Equal(InvitationCanonicalForm.ToArray(once, null, null));
        }
    }

    private static (InvitationService Service, Invitation Invitation) Issue(string field, string spelling)
    {
        var (service, _) = TestKeys.Service();
        var jid = Jid.Parse(spelling);
        var invitation = service.Issue(new InvitationIssueRequest
        {
            Channel = field == "channel" ? jid : TestKeys.Channel,
            Inviter = field == "inviter" ? jid : TestKeys.Inviter,
            Invitee = field == "invitee" ? jid : TestKeys.Invitee,
            Policy = BindingPolicies.InviteeBoundName,
        }).Invitation;
        service.Check(invitation, new InvitationContext { Channel = invitation.Channel, Joiner = invitation.Invitee }).IsValid.Should().BeTrue();
        return (service, invitation);
    }

    /// <summary>The invitation as a client would send it, with one field in another spelling, read back by the server.</summary>
    private static Invitation ReadPresented(Invitation issued, string field, string presented) =>
        InvitationXml.Read<Invitation>(Xml(
            field == "inviter" ? presented : issued.Inviter.ToString()!,
            field == "invitee" ? presented : issued.Invitee.ToString()!,
            field == "channel" ? presented : issued.Channel.ToString(),
            issued.Token));

    private static string Xml(string inviter, string invitee, string channel, string token) =>
        $"<invitation xmlns='{Misc}'><inviter>{SecurityElement.Escape(inviter)}</inviter><invitee>{SecurityElement.Escape(invitee)}</invitee>"
        + $"<channel>{SecurityElement.Escape(channel)}</channel><token>{token}</token></invitation>";
}
