using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// XML attacks on the invitation readers (issue 9, requirement 1). Each input is read every way a server may read it —
/// a string, an <see cref="XmlReader"/> over the raw bytes, an <see cref="XElement"/> where one can be built, and the
/// join reader where the input is a join — and gives either a clear refusal naming an element or exactly the
/// invitation (and canonical bytes) of the plain form, never an exception other than
/// <see cref="InvitationFormatException"/> from the throwing readers. Bounded by the size and depth limits; nothing is timed.
/// </summary>
public sealed partial class XmlAttackTests
{
    private const string Misc = "urn:xmpp:mix:misc:0";

    private static readonly InvitationService Service = TestKeys.Service().Service;

    private static readonly Invitation Plain = Service.Issue(TestKeys.InviteeBound()).Invitation;

    private static readonly string Token = Plain.Token;

    private static readonly XmlReaderSettings SafeStreamSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = InvitationReaderSettings.DefaultMaxInputSize,
    };

    [GeneratedRegex("<[a-z-]+>")]
    private static partial Regex NamesAnElement();

    private static string Element(string inviter = "hag66@shakespeare.example", string invitee = "cat@shakespeare.example", string channel = "coven@mix.shakespeare.example", string? token = null) =>
        $"<invitation xmlns='{Misc}'><inviter>{inviter}</inviter><invitee>{invitee}</invitee><channel>{channel}</channel><token>{token ?? Token}</token></invitation>";

    [Fact]
    public void PlainForm_IsReadEveryWayAndValidates()
    {
        ShouldReadAsPlain(Element());
        Service.Check(InvitationXml.Read<Invitation>(Element()), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData("<!DOCTYPE invitation [<!ENTITY c 'coven@mix.shakespeare.example'>]>")]
    [InlineData("<!DOCTYPE invitation [<!ENTITY c 'evil@mix.example'>]>")]
    public void InternalEntity_IsRefusedBeforeExpansion(string dtd)
    {
        ShouldRefuse(dtd + Element(channel: "&c;"), "DTD", alsoInJoin: false);
    }

    [Theory]
    [InlineData("<!DOCTYPE invitation [<!ENTITY c SYSTEM 'file:///etc/hostname'>]>")]
    [InlineData("<!DOCTYPE invitation [<!ENTITY c SYSTEM 'http://127.0.0.1:9/x'>]>")]
    [InlineData("<!DOCTYPE invitation SYSTEM 'http://127.0.0.1:9/invitation.dtd'>")]
    [InlineData("<!DOCTYPE invitation [<!ENTITY % p SYSTEM 'file:///etc/hostname'> %p;]>")]
    public void ExternalEntityOrDtd_IsRefusedAndNothingIsResolved(string dtd)
    {
        var xml = dtd + Element(channel: "&c;");
        ShouldRefuse(xml, "DTD", alsoInJoin: false);

        // Even a caller's reader that names a resolver: with DTDs prohibited it is never asked, and a reader that
        // would parse the DTD is refused before its first read.
        foreach (var processing in new[] { DtdProcessing.Prohibit, DtdProcessing.Parse })
        {
            var resolver = new RecordingResolver();
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = processing, XmlResolver = resolver });

            InvitationXml.TryRead<Invitation>(reader, out var invitation, out var error).Should().BeFalse();
            invitation.Should().BeNull();
            error.Should().Contain("DTD");
            resolver.Calls.Should().BeEmpty($"DtdProcessing.{processing} must not reach the resolver");
        }
    }

    [Fact]
    public void DtdIgnoredByTheCallersReader_LeavesEntityReferencesUnresolvedAndRefused()
    {
        var xml = "<!DOCTYPE invitation [<!ENTITY c 'coven@mix.shakespeare.example'>]>" + Element(channel: "&c;");
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });

        InvitationXml.TryRead<Invitation>(reader, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().StartWith("Cannot read <invitation>:");
    }

    [Fact]
    public void BillionLaughs_IsRefusedWithoutExpansion()
    {
        var dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 'lol'>");
        for (var i = 1; i <= 9; i++)
        {
            dtd.Append(System.Globalization.CultureInfo.InvariantCulture, $"<!ENTITY lol{i} '{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}'>");
        }

        dtd.Append("]>");

        // 10^9 "lol"s if expanded: the readers refuse at the DOCTYPE, so this test finishes at all.
        ShouldRefuse(dtd + Element(token: "&lol9;"), "DTD", alsoInJoin: false);
        ShouldRefuse(dtd + $"<join xmlns='urn:xmpp:mix:core:1'>{Element(token: "&lol9;")}</join>", "DTD", alsoInJoin: false);
    }

    [Fact]
    public void QuadraticBlowupWithoutDtd_IsBoundedByTheSizeLimit()
    {
        // No entities without a DTD: the attack becomes a long input, which the size limit refuses before parsing.
        var xml = Element(token: string.Concat(Enumerable.Repeat("&amp;", 4000)));
        xml.Length.Should().BeGreaterThan(InvitationReaderSettings.DefaultMaxInputSize);

        InvitationXml.TryRead<Invitation>(xml, out _, out var error).Should().BeFalse();
        error.Should().Be($"Cannot read <invitation>: the input is {xml.Length} characters, more than the limit of 16384");
        InvitationXml.TryRead<MixJoin>($"<join xmlns='urn:xmpp:mix:core:1'>{xml}</join>", out _, out var joinError).Should().BeFalse();
        joinError.Should().StartWith("Cannot read <join>: the input is ").And.EndWith("more than the limit of 16384");
    }

    [Fact]
    public void OverTheSizeLimit_ThroughTheCallersReader_IsRefusedByItsOwnLimit()
    {
        var xml = Element().Replace("<token>", "<pad>" + new string('x', 20_000) + "</pad><token>", StringComparison.Ordinal);
        using var reader = XmlReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(xml)), SafeStreamSettings);

        InvitationXml.TryRead<Invitation>(reader, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().StartWith("Cannot read <invitation>: the XML is not well-formed or not allowed");
    }

    [Theory]
    [InlineData(18)]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void DeepNesting_IsRefusedAtTheDepthLimit(int depth)
    {
        var open = string.Concat(Enumerable.Repeat("<x>", depth));
        var close = string.Concat(Enumerable.Repeat("</x>", depth));
        var settings = new InvitationReaderSettings { MaxInputSize = 16 * 1024 * 1024 };

        var xml = $"{open}{Element()}{close}";
        InvitationXml.TryRead<Invitation>(xml, out _, out var error, settings).Should().BeFalse();
        error.Should().Be("An element is nested more than 16 levels deep; the input is refused");

        var inside = Element().Replace("<token>", $"{open}{close}<token>", StringComparison.Ordinal);
        InvitationXml.TryRead<Invitation>(inside, out _, out var insideError, settings).Should().BeFalse();
        insideError.Should().Be("An element is nested more than 16 levels deep; the input is refused");

        var inField = Element(channel: $"coven{open}{close}@mix.shakespeare.example");
        InvitationXml.TryRead<Invitation>(inField, out _, out var fieldError, settings).Should().BeFalse();
        fieldError.Should().Be("<channel> must hold only text, but holds a child element");
    }

    [Fact]
    public void DeepNesting_InAnXElement_IsRefusedAtTheDepthLimit()
    {
        var root = new XElement("x");
        var leaf = root;
        for (var i = 0; i < 2_000; i++)
        {
            var child = new XElement("x");
            leaf.Add(child);
            leaf = child;
        }

        leaf.Add(XElement.Parse(Element()));

        InvitationXml.TryRead<Invitation>(root, out _, out var error).Should().BeFalse();
        error.Should().Be("An element is nested more than 16 levels deep; the input is refused");
    }

    [Theory]
    [InlineData("channel", "<p:channel xmlns:p='urn:xmpp:mix:misc:0'>coven@mix.shakespeare.example</p:channel>")]
    [InlineData("channel", "<channel>evil@mix.example</channel>")]
    [InlineData("token", "<token>AAAA</token>")]
    [InlineData("token", "<token/>")]
    [InlineData("invitee", "<invitee>rat@shakespeare.example</invitee>")]
    [InlineData("inviter", "<inviter><!-- --></inviter>")]
    [InlineData("invitee", "<invitee/>")]
    [InlineData("inviter", "<inviter></inviter>")]
    public void DuplicateChild_AnySpelling_IsAmbiguousWhereverItStands(string child, string duplicate)
    {
        // First-wins and last-wins parsers would read different invitations: the readers refuse both orders.
        var first = Element().Replace($"<{child}>", duplicate + $"<{child}>", StringComparison.Ordinal);
        var last = Element().Replace("</invitation>", duplicate + "</invitation>", StringComparison.Ordinal);

        // Placed first, an empty <token/> is refused for being empty before the second one is seen; an empty <inviter/>
        // or <invitee/> names no one (it is read as absent) but is still an element, so the second one is a duplicate.
        ShouldRefuse(first, child == "token" && duplicate == "<token/>" ? "<token> in <invitation> is empty" : $"<invitation> has more than one <{child}>, which is ambiguous");
        ShouldRefuse(last, $"<invitation> has more than one <{child}>, which is ambiguous");
    }

    [Theory]
    [InlineData("<message>{0}<x xmlns='urn:example'>{0}</x></message>")]
    [InlineData("<message><x xmlns='urn:example'><y>{0}</y></x>{0}</message>")]
    [InlineData("<iq type='set'><join xmlns='urn:xmpp:mix:core:1'>{0}</join><join xmlns='urn:xmpp:mix:core:1'>{0}</join></iq>")]
    public void SecondInvitationHiddenAnywhere_IsAmbiguous(string template)
    {
        var xml = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Element());

        InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse();
        invitation.Should().BeNull();
        error.Should().Be("The input holds more than one <invitation>, which is ambiguous");
    }

    [Theory]
    [InlineData("<invitation><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:1'><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>")]
    [InlineData("<invitation xmlns='URN:XMPP:MIX:MISC:0'><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0 '><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>")]
    [InlineData("<invitation xmlns='jabber:client'><channel>coven@mix.shakespeare.example</channel><token>T</token></invitation>")]
    [InlineData("<p:invitation xmlns:p='urn:example' xmlns='urn:xmpp:mix:misc:0'><channel>coven@mix.shakespeare.example</channel><token>T</token></p:invitation>")]
    public void WrongOrMissingNamespace_IsNotAnInvitation(string xml)
    {
        // Not wrapped in a join: there an invitation without a namespace inherits the join's, as documented.
        ShouldRefuse(xml, "The input holds no <invitation>", alsoInJoin: false);
    }

    [Fact]
    public void FieldsInTheWrongNamespace_AreNotTheFields()
    {
        var xml = $"<invitation xmlns='{Misc}'><channel xmlns='urn:example'>evil@mix.example</channel><x:channel xmlns:x='jabber:client'>evil@mix.example</x:channel><token>{Token}</token></invitation>";

        ShouldRefuse(xml, "<invitation> has no <channel>");
    }

    [Fact]
    public void UndeclaredPrefix_IsNotWellFormed()
    {
        ShouldRefuse("<p:invitation><p:channel>coven@mix.shakespeare.example</p:channel><p:token>T</p:token></p:invitation>", "Cannot read <invitation>: the XML is not well-formed", xelement: false);
    }

    [Theory]
    [InlineData("<p:invitation xmlns:p='urn:xmpp:mix:misc:0'><p:inviter>hag66@shakespeare.example</p:inviter><p:invitee>cat@shakespeare.example</p:invitee><p:channel>coven@mix.shakespeare.example</p:channel><p:token>{0}</p:token></p:invitation>")]
    [InlineData("<a:invitation xmlns:a='urn:xmpp:mix:misc:0' xmlns:b='urn:xmpp:mix:misc:0'><b:inviter>hag66@shakespeare.example</b:inviter><a:invitee>cat@shakespeare.example</a:invitee><b:channel>coven@mix.shakespeare.example</b:channel><a:token>{0}</a:token></a:invitation>")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0'><p:inviter xmlns:p='urn:xmpp:mix:misc:0'>hag66@shakespeare.example</p:inviter><invitee>cat@shakespeare.example</invitee><channel>coven@mix.shakespeare.example</channel><token>{0}</token></invitation>")]
    [InlineData("<m:message xmlns:m='jabber:client' xmlns:p='urn:xmpp:mix:misc:0'><p:invitation><p:inviter>hag66@shakespeare.example</p:inviter><p:invitee>cat@shakespeare.example</p:invitee><p:channel>coven@mix.shakespeare.example</p:channel><p:token>{0}</p:token></p:invitation></m:message>")]
    [InlineData("<invitation xmlns='urn:xmpp:mix:misc:0' xmlns:unused='urn:example' xml:lang='en' xml:space='preserve'><inviter a='1'>hag66@shakespeare.example</inviter><invitee>cat@shakespeare.example</invitee><channel>coven@mix.shakespeare.example</channel><token>{0}</token></invitation>")]
    public void PrefixedForms_ReadAsThePlainForm(string template)
    {
        ShouldReadAsPlain(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Token));
    }

    [Fact]
    public void Comments_AnywhereIncludingInsideText_ReadAsThePlainForm()
    {
        var xml = $"<!-- a --><invitation xmlns='{Misc}'><!-- b --><inviter>hag66<!-- c -->@shakespeare.example</inviter><invitee><!---->cat@shakespeare.example<!-- -->"
            + $"</invitee><channel>coven@mix.<!-- <channel>evil@mix.example</channel> -->shakespeare.example</channel><token>{Token[..10]}<!-- x -->{Token[10..]}</token><!-- d --></invitation><!-- e -->";

        ShouldReadAsPlain(xml);
    }

    [Fact]
    public void ProcessingInstructionsAndWhitespaceBetweenChildren_ReadAsThePlainForm()
    {
        var xml = $"<?xml version='1.0'?>\n<?pi one?><invitation xmlns='{Misc}'>\n  <inviter>hag66@shakespeare.example</inviter><?pi two?>\n\t<invitee>cat@<?pi three?>shakespeare.example</invitee>\r\n"
            + $"<channel>coven@mix.shakespeare.example</channel>  <token>{Token}</token>\n</invitation>\n";

        ShouldReadAsPlain(xml);
    }

    [Fact]
    public void Cdata_WholeOrSplit_ReadsAsThePlainForm()
    {
        var xml = $"<invitation xmlns='{Misc}'><inviter><![CDATA[hag66@shakespeare.example]]></inviter><invitee>cat<![CDATA[@]]>shakespeare.example</invitee>"
            + $"<channel><![CDATA[coven@]]><![CDATA[mix.shakespeare.example]]></channel><token><![CDATA[{Token[..5]}]]>{Token[5..20]}<![CDATA[{Token[20..]}]]></token></invitation>";

        ShouldReadAsPlain(xml);
    }

    [Fact]
    public void CdataHidingMarkup_IsTextNotElements()
    {
        // Inside CDATA, "<channel>" is text: the JID then holds '<', which RFC 7622 refuses, naming the element.
        var xml = Element(channel: "<![CDATA[coven@mix.shakespeare.example</channel><channel>evil@mix.example]]>");

        ShouldRefuse(xml, "<channel> is not a valid JID");
    }

    [Fact]
    public void CharacterReferences_ReadAsThePlainForm()
    {
        var escaped = string.Concat(Token.Select((c, i) => i % 2 == 0 ? $"&#x{(int)c:X};" : $"&#{(int)c};"));
        var xml = Element(inviter: "hag66&#x40;shakespeare.example", invitee: "&#99;&#x61;t@shakespeare&#46;example", channel: "coven@mix.shakespeare.exampl&#x65;", token: escaped);

        ShouldReadAsPlain(xml);
    }

    [Theory]
    [InlineData("&#x0;")]
    [InlineData("&#0;")]
    [InlineData("&#x1;")]
    [InlineData("&#x1F;")]
    [InlineData("&#xFFFE;")]
    [InlineData("&#xD800;")]
    [InlineData("&#x110000;")]
    [InlineData("&#xZZ;")]
    public void CharacterReferenceToACharacterXmlForbids_IsRefused(string reference)
    {
        ShouldRefuse(Element(channel: $"coven{reference}@mix.shakespeare.example"), "Cannot read <invitation>: the XML is not well-formed", xelement: false);
        ShouldRefuse(Element(token: Token + reference), "Cannot read <invitation>: the XML is not well-formed", xelement: false);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]              // overlong '/'
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]        // overlong, three bytes
    [InlineData(new byte[] { 0x80 })]                    // lone continuation byte
    [InlineData(new byte[] { 0xC3 })]                    // truncated sequence
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // an encoded surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]  // beyond U+10FFFF
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFE, 0xFF })]
    public void InvalidUtf8_InAnyField_IsRefusedByTheByteStreamReader(byte[] bad)
    {
        foreach (var field in new[] { "inviter", "invitee", "channel", "token" })
        {
            var xml = Encoding.UTF8.GetBytes(Element());
            var at = IndexOf(xml, Encoding.UTF8.GetBytes($"<{field}>")) + field.Length + 3;
            byte[] bytes = [.. xml[..at], .. bad, .. xml[at..]];

            using var reader = XmlReader.Create(new MemoryStream(bytes), SafeStreamSettings);
            InvitationXml.TryRead<Invitation>(reader, out var invitation, out var error).Should().BeFalse($"invalid UTF-8 in <{field}>");
            invitation.Should().BeNull();
            error.Should().StartWith("Cannot read <invitation>: the XML is not well-formed or not allowed");

            using var again = XmlReader.Create(new MemoryStream(bytes), SafeStreamSettings);
            FluentActions.Invoking(() => InvitationXml.Read<Invitation>(again)).Should().ThrowExactly<InvitationFormatException>();
        }
    }

    [Fact]
    public void InvalidUtf8_DecodedLeniently_BecomesAReplacementCharacterThatNoFieldAccepts()
    {
        // A server that decoded the bytes itself, leniently, hands over U+FFFD: no JID holds it, and no token does.
        var channel = Encoding.UTF8.GetString([.. "coven"u8, 0xC0, 0xAF, .. "@mix.shakespeare.example"u8]);
        ShouldRefuse(Element(channel: channel), "<channel> is not a valid JID");

        var invitation = InvitationXml.Read<Invitation>(Element(token: Token[..20] + "\uFFFD" + Token[21..]));
        Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.Malformed);
    }

    [Fact]
    public void EncodingDeclarationContradictingTheBytes_IsRefused()
    {
        var bytes = Encoding.UTF8.GetBytes("<?xml version='1.0' encoding='UTF-16'?>" + Element());
        using var reader = XmlReader.Create(new MemoryStream(bytes), SafeStreamSettings);

        InvitationXml.TryRead<Invitation>(reader, out _, out var error).Should().BeFalse();
        error.Should().StartWith("Cannot read <invitation>: the XML is not well-formed or not allowed");
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0001)]
    [InlineData(0x0008)]
    [InlineData(0x000B)]
    [InlineData(0x001F)]
    [InlineData(0xFFFE)]
    [InlineData(0xD800)] // a lone surrogate (as a number: test data strings cannot carry one)
    [InlineData(0xDC00)]
    public void RawCharacterXmlForbids_IsRefused(int codeUnit)
    {
        var character = ((char)codeUnit).ToString();
        foreach (var xml in new[] { Element(channel: $"coven{character}@mix.shakespeare.example"), Element(token: Token + character), Element() + character, character + Element() })
        {
            InvitationXml.TryRead<Invitation>(xml, out var invitation, out var error).Should().BeFalse();
            invitation.Should().BeNull();
            error.Should().StartWith("Cannot read <invitation>: the XML is not well-formed or not allowed");
            FluentActions.Invoking(() => InvitationXml.Read<Invitation>(xml)).Should().ThrowExactly<InvitationFormatException>().WithMessage(error);
            InvitationXml.TryRead<MixJoin>($"<join xmlns='urn:xmpp:mix:core:1'>{xml}</join>", out _, out var joinError).Should().BeFalse();
            joinError.Should().StartWith("Cannot read <join>:");
        }
    }

    [Theory]
    [InlineData("\u007F")]
    [InlineData("\u0085")]
    [InlineData("\u009F")]
    [InlineData("\t")]
    [InlineData(" ")]
    [InlineData("\u00A0")]
    [InlineData("\u200B")]
    [InlineData("\u202E")]
    [InlineData("\uFEFF")]
    public void ControlOrInvisibleCharacterXmlAllows_IsRefusedByTheJidOrTheTokenCodec(string character)
    {
        foreach (var field in new[] { "inviter", "invitee", "channel" })
        {
            var xml = Element().Replace($"<{field}>", $"<{field}>{character}", StringComparison.Ordinal);
            ShouldRefuse(xml, $"<{field}> is not a valid JID");
        }

        var invitation = InvitationXml.Read<Invitation>(Element(token: Token + character));
        invitation.Token.Should().EndWith(character, "the reader keeps the token exactly as sent");
        Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.Malformed);
    }

    [Fact]
    public void CarriageReturns_AreNormalisedAsXmlRequiresAndRefusedInJids()
    {
        // XML turns a raw CR LF into LF; &#xD; survives as CR. Neither belongs in a JID or a token.
        ShouldRefuse(Element(channel: "coven@mix.shakespeare.example\r\n"), "<channel> is not a valid JID");
        ShouldRefuse(Element(channel: "coven@mix.shakespeare.example&#xD;"), "<channel> is not a valid JID");
        var invitation = InvitationXml.Read<Invitation>(Element(token: Token + "&#xD;"));
        invitation.Token.Should().EndWith("\r");
        Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.Malformed);
    }

    /// <summary>Every way to read gives the plain invitation, the same canonical bytes, and validates.</summary>
    private static void ShouldReadAsPlain(string xml)
    {
        var expected = InvitationCanonicalForm.ToArray(Plain.Channel, Plain.Inviter, Plain.Invitee);
        foreach (var (way, invitation, error) in ReadEveryWay(xml, xelement: true))
        {
            error.Should().BeNull($"{way} should read {xml}");
            invitation.Should().Be(Plain, way);
            InvitationCanonicalForm.ToArray(invitation!.Channel, invitation.Inviter, invitation.Invitee).Should().Equal(expected, way);
            Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue(way);
        }

        var body = StripDeclaration(xml);
        if (TryParseElement(body, out var root) && root.Name.LocalName == "invitation")
        {
            InvitationXml.Read<MixJoin>($"<join xmlns='urn:xmpp:mix:core:1'>{body}</join>").Invitation.Should().Be(Plain);
        }
    }

    /// <summary>Every way to read refuses with the same kind of message, which names an element; throwing readers throw only InvitationFormatException.</summary>
    private static void ShouldRefuse(string xml, string expected, bool alsoInJoin = true, bool xelement = true)
    {
        var ways = 0;
        foreach (var (way, invitation, error) in ReadEveryWay(xml, xelement))
        {
            ways++;
            invitation.Should().BeNull(way);
            error.Should().Contain(expected, way);
            NamesAnElement().IsMatch(error!).Should().Be(true, $"{way}: the error should name an element: {error}");
        }

        ways.Should().BeGreaterThanOrEqualTo(2);
        if (!alsoInJoin)
        {
            return;
        }

        var join = $"<join xmlns='urn:xmpp:mix:core:1'>{xml}</join>";
        InvitationXml.TryRead<MixJoin>(join, out var value, out var joinError).Should().BeFalse();
        value.Should().BeNull();
        joinError.Should().NotBeNullOrEmpty().And.MatchRegex("<[a-z-]+>");
        FluentActions.Invoking(() => InvitationXml.Read<MixJoin>(join)).Should().ThrowExactly<InvitationFormatException>().WithMessage(joinError);
    }

    private static IEnumerable<(string Way, Invitation? Invitation, string? Error)> ReadEveryWay(string xml, bool xelement)
    {
        yield return Read("string", () => InvitationXml.TryRead<Invitation>(xml, out var i, out var e) ? (i, null) : (null, e), () => InvitationXml.Read<Invitation>(xml));

        var bytes = Encoding.UTF8.GetBytes(xml);
        yield return Read(
            "utf8-stream",
            () =>
            {
                using var reader = XmlReader.Create(new MemoryStream(bytes), SafeStreamSettings);
                return InvitationXml.TryRead<Invitation>(reader, out var i, out var e) ? (i, null) : (null, e);
            },
            () =>
            {
                using var reader = XmlReader.Create(new MemoryStream(bytes), SafeStreamSettings);
                return InvitationXml.Read<Invitation>(reader);
            });

        if (xelement && !xml.Contains("<!DOCTYPE", StringComparison.Ordinal) && TryParseElement(xml, out var element))
        {
            yield return Read("xelement", () => InvitationXml.TryRead<Invitation>(element, out var i, out var e) ? (i, null) : (null, e), () => InvitationXml.Read<Invitation>(element));
        }
    }

    private static (string, Invitation?, string?) Read(string way, Func<(Invitation?, string?)> tryRead, Func<Invitation> read)
    {
        var (invitation, error) = tryRead();
        if (error is null)
        {
            read().Should().Be(invitation, way);
        }
        else
        {
            FluentActions.Invoking(read).Should().ThrowExactly<InvitationFormatException>(way).WithMessage(error);
        }

        return (way, invitation, error);
    }

    private static bool TryParseElement(string xml, out XElement element)
    {
        try
        {
            element = XElement.Parse(xml, LoadOptions.PreserveWhitespace);
            return true;
        }
        catch (XmlException)
        {
            element = null!;
            return false;
        }
    }

    private static string StripDeclaration(string xml) =>
        xml.StartsWith("<?xml", StringComparison.Ordinal) ? xml[(xml.IndexOf("?>", StringComparison.Ordinal) + 2)..] : xml;

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private sealed class RecordingResolver : XmlResolver
    {
        public List<Uri> Calls { get; } = [];

        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            Calls.Add(absoluteUri);
            return new MemoryStream("coven@mix.shakespeare.example"u8.ToArray());
        }
    }
}
