using System.Text;
using System.Xml;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// Issue 14, requirement 9: an error from reading XML, a link or a JID never repeats the input. A token sent in the
/// wrong place (an unquoted attribute, an entity name, an element name, the wrong element's text, a JID) must not come
/// back in the error text, the exception's message, its <see cref="Exception.ToString"/> or any inner exception.
/// </summary>
public sealed class ErrorEchoTests
{
    /// <summary>A token-shaped secret; it starts with a letter, so it is also a valid XML name.</summary>
    private const string Token = "AQADAWlWXIBpVlyQ2r8kPCeNBd0fZkODpGYrng";

    private const string Misc = "urn:xmpp:mix:misc:0";

    public static TheoryData<string, string> MisplacedInXml => new()
    {
        { "unquoted attribute value", $"<preauth xmlns='urn:xmpp:pars:0' token={Token}/>" },
        { "undeclared entity", $"<invitation xmlns='{Misc}'><channel>&{Token};</channel><token>x</token></invitation>" },
        { "end tag named by it", $"<invitation xmlns='{Misc}'></{Token}>" },
        { "undeclared prefix", $"<invitation xmlns='{Misc}'><{Token}:x/></invitation>" },
        { "duplicate attribute name", $"<preauth xmlns='urn:xmpp:pars:0' {Token}='1' {Token}='2'/>" },
        { "character reference", $"<invitation xmlns='{Misc}'><channel>&#x{Token};</channel></invitation>" },
        { "unclosed element named by it", $"<invitation xmlns='{Misc}'><{Token}>" },
        { "text after the root", $"<invitation xmlns='{Misc}'/>{Token}" },
        { "XML declaration", $"<?xml version='{Token}'?><invitation xmlns='{Misc}'/>" },
        { "attribute value with '<'", $"<invitation xmlns='{Misc}' a='{Token}<'/>" },
        { "attribute without value", $"<invitation xmlns='{Misc}' {Token}><channel>c@d</channel></invitation>" },
        { "namespace declaration", $"<invitation xmlns:{Token}='' xmlns='{Misc}'/>" },
        { "comment", $"<invitation xmlns='{Misc}'><!-- {Token} -- --></invitation>" },
        { "processing instruction", $"<invitation xmlns='{Misc}'><?{Token}:x y?></invitation>" },
        { "CDATA end in text", $"<invitation xmlns='{Misc}'><channel>{Token}]]></channel></invitation>" },
        { "DTD", $"<!DOCTYPE {Token}><invitation xmlns='{Misc}'/>" },
        { "deep element named by it", string.Concat(Enumerable.Repeat($"<{Token}>", 20)) + $"<invitation xmlns='{Misc}'/>" + string.Concat(Enumerable.Repeat($"</{Token}>", 20)) },
        { "child element of a text element", $"<invitation xmlns='{Misc}'><channel>c@d<{Token}/></channel><token>x</token></invitation>" },
        { "wrong <value> of an ack", $"<invitation-ack xmlns='{Misc}'><value>{Token}</value><invitation><channel>c@d</channel><token>x</token></invitation></invitation-ack>" },
        { "localpart of a JID", $"<invitation xmlns='{Misc}'><channel>{Token}\"@d</channel><token>x</token></invitation>" },
        { "zone id of an IPv6 literal", $"<invitation xmlns='{Misc}'><channel>c@[fe80::1%{Token}]</channel><token>x</token></invitation>" },
        { "IPv6 literal", $"<invitation xmlns='{Misc}'><channel>c@[{Token}]</channel><token>x</token></invitation>" },
        { "domain with an empty label", $"<invitation xmlns='{Misc}'><channel>c@{Token}..</channel><token>x</token></invitation>" },
        { "domain with a misplaced hyphen", $"<invitation xmlns='{Misc}'><channel>c@{Token}-</channel><token>x</token></invitation>" },
        { "IDN domain", $"<invitation xmlns='{Misc}'><channel>c@\u00E9{Token}\u00AD\u0301..x</channel><token>x</token></invitation>" },
        { "numeric last label", $"<invitation xmlns='{Misc}'><channel>c@{Token}.123</channel><token>x</token></invitation>" },
        { "empty token in a join", $"<join xmlns='urn:xmpp:mix:core:1'><{Token}/><invitation xmlns='{Misc}'><channel>c@d</channel><token></token></invitation></join>" },
    };

    public static TheoryData<string> MisplacedInLinks => new()
    {
        $"{Token}:coven@mix.example?join;preauth=x",
        $"xmpp:coven@mix.example?{Token};preauth=x",
        $"xmpp:coven@[fe80::1%25{Token}]?join;preauth=x",
        $"xmpp:coven@mix.example?join;preauth=x;inviter={Token}%40{Token}..",
        $"xmpp:coven@mix.example?join;preauth={Token}%G1",
        $"xmpp:coven@mix.example?join;preauth={Token};preauth={Token}",
        $"https://invite.example/{Token}",
        $"xmpp:coven@mix.example?join;preauth={Token}%C3%28",
        "xmpp:coven@mix.example?join;preauth=x;x=" + new string('y', 9000) + Token,
    };

    public static TheoryData<string> MisplacedInJids => new()
    {
        $"{Token}@[fe80::1%{Token}]",
        $"{Token}@[{Token}]",
        $"{Token}@{Token}..",
        $"{Token}@-{Token}",
        $"{Token}@{Token}.123",
        $"{Token}@[{Token}.1.2.3]",
        $"x@\u00E9{Token}\u0301-",
        $"{Token}\u0000@x",
        $"{Token}@x/{Token}\u0007",
        $"\u30FB{Token}\u30FB@x",
    };

    [Theory]
    [MemberData(nameof(MisplacedInXml))]
    public void XmlReaders_TokenInTheWrongPlace_IsNeverRepeated(string place, string xml)
    {
        var errors = new List<string>();
        foreach (var (name, read) in Readers())
        {
            if (!read(xml, out var error))
            {
                errors.Add($"{name}: {error}");
                error.Should().NotBeNullOrEmpty();
                ShouldNotEcho(error!, $"{name} of {place}");
            }

            using var reader = XmlReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(xml)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            try
            {
                InvitationXml.Read<Invitation>(reader);
            }
            catch (InvitationFormatException exception)
            {
                ShouldNotEcho(exception, $"Read<Invitation>(XmlReader) of {place}");
            }
        }

        foreach (var read in ThrowingReaders())
        {
            try
            {
                read(xml);
            }
            catch (InvitationFormatException exception)
            {
                ShouldNotEcho(exception, place);
            }
        }

        errors.Should().NotBeEmpty($"{place} is refused by at least one reader");
    }

    [Fact]
    public void UnquotedAttribute_IsNamedWithItsElementAndPosition()
    {
        InvitationXml.TryRead<Preauth>($"<preauth xmlns='urn:xmpp:pars:0' token={Token}/>", out _, out var error).Should().BeFalse();

        error.Should().Be("Cannot read <preauth>: the XML is not well-formed or not allowed: an attribute value is not quoted in <preauth> (line 1, position 40)");
    }

    [Fact]
    public void UndeclaredEntity_IsNamedWithoutItsName()
    {
        InvitationXml.TryRead<Invitation>($"<invitation xmlns='{Misc}'><channel>&{Token};</channel></invitation>", out _, out var error).Should().BeFalse();

        error.Should().Be("Cannot read <invitation>: the XML is not well-formed or not allowed: a reference to an undeclared entity (line 1, position 51)");
    }

    [Theory]
    [MemberData(nameof(MisplacedInLinks))]
    public void InvitationUri_TokenInTheWrongPlace_IsNeverRepeated(string link)
    {
        InvitationUri.TryParse(link, out _, out var error).Should().BeFalse();
        ShouldNotEcho(error!, "TryParse");
        var exception = FluentActions.Invoking(() => InvitationUri.Parse(link)).Should().Throw<InvitationFormatException>().Which;
        ShouldNotEcho(exception, "Parse");
    }

    [Theory]
    [MemberData(nameof(MisplacedInJids))]
    public void Jid_TokenInTheWrongPlace_IsNeverRepeated(string address)
    {
        Jid.TryParse(address.AsSpan(), out _, out var error).Should().BeFalse();
        ShouldNotEcho(error!, "TryParse");
        var exception = FluentActions.Invoking(() => Jid.Parse(address)).Should().Throw<JidFormatException>().Which;
        ShouldNotEcho(exception, "Parse");
    }

    private delegate bool TryRead(string xml, out string? error);

    // Every element type, from a string and from an XmlReader over the bytes.
    private static IEnumerable<(string Name, TryRead Read)> Readers() =>
        ReadersOf<Invitation>("invitation")
            .Concat(ReadersOf<MixJoin>("join"))
            .Concat(ReadersOf<InviteRequest>("invite"))
            .Concat(ReadersOf<InviteResult>("invite result"))
            .Concat(ReadersOf<Preauth>("preauth"))
            .Concat(ReadersOf<InvitationAck>("ack"));

    private static IEnumerable<(string Name, TryRead Read)> ReadersOf<T>(string name)
        where T : WireElement
    {
        yield return (name, (string xml, out string? error) => InvitationXml.TryRead<T>(xml, out _, out error));
        yield return ($"{name} from bytes", (string xml, out string? error) =>
        {
            using var reader = XmlReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(xml)), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return InvitationXml.TryRead<T>(reader, out _, out error);
        });
    }

    private static IEnumerable<Action<string>> ThrowingReaders() =>
    [
        ThrowingReader<Invitation>(),
        ThrowingReader<MixJoin>(),
        ThrowingReader<InviteRequest>(),
        ThrowingReader<InviteResult>(),
        ThrowingReader<Preauth>(),
        ThrowingReader<InvitationAck>(),
    ];

    private static Action<string> ThrowingReader<T>()
        where T : WireElement =>
        xml => InvitationXml.Read<T>(xml);

    private static void ShouldNotEcho(Exception exception, string because)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            ShouldNotEcho(e.Message, because);
            ShouldNotEcho(e.ToString(), because);
            e.Should().NotBeOfType<XmlException>("an XmlException's message quotes the input, so it is never kept");
        }
    }

    private static void ShouldNotEcho(string text, string because)
    {
        // No eight characters of the token in a row: a few characters (one described character, a number) may appear.
        for (var i = 0; i + 8 <= Token.Length; i++)
        {
            text.Should().NotContain(Token.Substring(i, 8), because);
        }
    }
}
