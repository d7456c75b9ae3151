using System.Reflection;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using static Mix.Invitations.Tests.Xml.TestStanzas;

namespace Mix.Invitations.Tests.Xml;

/// <summary>The six element types write themselves, and <see cref="InvitationXml"/> reads each of them back every way.</summary>
public sealed class WireElementTests
{
    public static TheoryData<string> Kinds => ["invitation", "bearer invitation", "join", "bare join", "invite request", "invite result", "ack", "preauth"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryType_RoundTripsThroughEveryWriterAndEveryReader(string kind)
    {
        switch (kind)
        {
            case "invitation": RoundTrip(Example); break;
            case "bearer invitation": RoundTrip(new Invitation(Channel, "a<b&c>\"'")); break;
            case "join": RoundTrip(new MixJoin(Example, ["urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:presence"], "third witch")); break;
            case "bare join": RoundTrip(new MixJoin(Example)); break;
            case "invite request": RoundTrip(new InviteRequest(Invitee)); break;
            case "invite result": RoundTrip(new InviteResult(Example)); break;
            case "ack": RoundTrip(new InvitationAck(InvitationAckKind.Declined, Example)); break;
            case "preauth": RoundTrip(new Preauth("1tMFqYDdKhfe2pwp")); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such kind");
        }
    }

    [Fact]
    public void ReadingTheBaseType_IsNotSupported()
    {
        var xml = Example.ToXml();
        var element = Example.ToXElement();

        FluentActions.Invoking(() => InvitationXml.Read<WireElement>(xml)).Should().Throw<NotSupportedException>().WithMessage("WireElement cannot be read*");
        FluentActions.Invoking(() => InvitationXml.Read<WireElement>(xml, InvitationReaderSettings.Default)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => InvitationXml.Read<WireElement>(element)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => InvitationXml.TryRead<WireElement>(xml, out _, out _)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => InvitationXml.TryRead<WireElement>(element, out _, out _)).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() =>
        {
            using var reader = XmlReader.Create(new StringReader(xml));
            return InvitationXml.TryRead<WireElement>(reader, out _, out _);
        }).Should().Throw<NotSupportedException>();
        FluentActions.Invoking(() => InvitationXml.Read<WireElement>((string)null!)).Should().Throw<NotSupportedException>("a wrong type argument is a programming error, whatever the input");
    }

    [Fact]
    public void WireElement_CannotBeDerivedFromOutsideTheLibrary()
    {
        var type = typeof(WireElement);
        var constructors = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

        type.IsAbstract.Should().BeTrue();
        constructors.Should().NotBeEmpty().And.OnlyContain(c => c.IsFamilyAndAssembly, "a private protected constructor is visible to derived types in this assembly only");
        var derived = type.Assembly.GetTypes().Where(t => t.IsSubclassOf(type)).ToList();
        derived.Should().BeEquivalentTo([typeof(Invitation), typeof(MixJoin), typeof(InviteRequest), typeof(InviteResult), typeof(InvitationAck), typeof(Preauth)]);
        derived.Should().OnlyContain(t => t.IsSealed && t.IsPublic);
    }

    [Fact]
    public void WriteTo_NullWriter_Throws()
    {
        FluentActions.Invoking(() => new Preauth("t").WriteTo(null!)).Should().Throw<ArgumentNullException>().WithParameterName("writer");
        FluentActions.Invoking(() => new MixJoin(Example).WriteTo(null!)).Should().Throw<ArgumentNullException>().WithParameterName("writer");
    }

    [Theory]
    [InlineData("token")]
    [InlineData("preauth token")]
    [InlineData("nick")]
    [InlineData("subscription")]
    [InlineData("nested token")]
    public void EveryWriter_RefusesACharacterXmlCannotCarry_NamingTheField(string field)
    {
        const string bad = "a\u0001b";
        (WireElement element, string name) = field switch
        {
            "token" => ((WireElement)Example.WithToken(bad), "token"),
            "preauth token" => (new Preauth(bad), "token"),
            "nick" => (new MixJoin(Example, nick: bad), "nick"),
            "subscription" => (new MixJoin(Example, [bad]), "subscription"),
            _ => (new InvitationAck(InvitationAckKind.Joined, Example.WithToken(bad)), "token"),
        };

        FluentActions.Invoking(() => element.ToXml()).Should().Throw<ArgumentException>().WithParameterName(name);
        FluentActions.Invoking(() => element.ToXElement()).Should().Throw<ArgumentException>().WithParameterName(name);
        FluentActions.Invoking(() =>
        {
            using var writer = XmlWriter.Create(new StringBuilder(), new XmlWriterSettings { ConformanceLevel = ConformanceLevel.Fragment });
            element.WriteTo(writer);
        }).Should().Throw<ArgumentException>().WithParameterName(name);
    }

    private static void RoundTrip<T>(T value)
        where T : WireElement
    {
        // The string form.
        var xml = value.ToXml();
        xml.Should().NotStartWith("<?xml", "ToXml writes no XML declaration");
        InvitationXml.Read<T>(xml).Should().Be(value);
        InvitationXml.Read<T>(xml, new InvitationReaderSettings { MaxDepth = 4 }).Should().Be(value);
        InvitationXml.TryRead<T>(xml, out var fromText, out var error).Should().BeTrue(error);
        fromText.Should().Be(value);

        // The XElement form: the same element as the text, with no namespace declaration attributes and no parent.
        var element = value.ToXElement();
        element.Parent.Should().BeNull();
        element.Document.Should().BeNull();
        element.DescendantsAndSelf().Attributes().Should().NotContain(a => a.IsNamespaceDeclaration);
        var parsed = XElement.Parse(xml, LoadOptions.PreserveWhitespace);
        parsed.DescendantsAndSelf().Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        XNode.DeepEquals(element, parsed).Should().BeTrue($"{element} should be {parsed}");
        element.ToString(SaveOptions.DisableFormatting).Should().Be(xml);
        InvitationXml.Read<T>(element).Should().Be(value);
        InvitationXml.TryRead<T>(element, out var fromElement, out error).Should().BeTrue(error);
        fromElement.Should().Be(value);

        // WriteTo, inside a stanza, read back from the text and through an XmlReader.
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("message", "jabber:client");
            value.WriteTo(writer);
            writer.WriteEndElement();
        }

        var stanza = builder.ToString();
        stanza.Should().Be($"<message xmlns=\"jabber:client\">{xml}</message>");
        InvitationXml.Read<T>(stanza).Should().Be(value);
        using (var reader = XmlReader.Create(new StringReader(stanza)))
        {
            InvitationXml.Read<T>(reader).Should().Be(value);
        }

        using (var reader = XmlReader.Create(new StringReader(stanza)))
        {
            InvitationXml.TryRead<T>(reader, out var fromReader, out error, InvitationReaderSettings.Default).Should().BeTrue(error);
            fromReader.Should().Be(value);
        }

        // A reader positioned on the element reads just that element and is left after it.
        using (var reader = XmlReader.Create(new StringReader($"<r>{xml}<after/></r>")))
        {
            reader.Read();
            reader.Read();
            InvitationXml.Read<T>(reader, null).Should().Be(value);
            reader.LocalName.Should().Be("after");
        }
    }
}
