using System.Text;
using System.Xml;

namespace Mix.Invitations.Tests.Tokens;

public class InvitationStanzaErrorTests
{
    public static TheoryData<InvitationFailureReason> Refusals =>
        new(Enum.GetValues<InvitationFailureReason>().Where(r => r != InvitationFailureReason.None));

    [Theory]
    [MemberData(nameof(Refusals))]
    public void For_EveryRefusal_HasAnRfc6120TypeAndCondition(InvitationFailureReason reason)
    {
        var error = InvitationStanzaError.For(reason);

        error.Type.Should().BeOneOf("auth", "cancel", "continue", "modify", "wait");
        error.Condition.Should().BeOneOf(
            "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone", "internal-server-error", "item-not-found",
            "jid-malformed", "not-acceptable", "not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
            "redirect", "registration-required", "remote-server-not-found", "remote-server-timeout", "resource-constraint",
            "service-unavailable", "subscription-required", "undefined-condition", "unexpected-request");
    }

    [Fact]
    public void For_UnknownKeyAndBadSignature_AreIndistinguishable()
    {
        var unknown = InvitationStanzaError.For(InvitationFailureReason.UnknownKey);
        var bad = InvitationStanzaError.For(InvitationFailureReason.BadSignature);

        (unknown.Type, unknown.Condition, unknown.Text).Should().Be((bad.Type, bad.Condition, bad.Text));
    }

    [Theory]
    [InlineData(InvitationFailureReason.Malformed, "modify", "bad-request")]
    [InlineData(InvitationFailureReason.BadSignature, "auth", "forbidden")]
    [InlineData(InvitationFailureReason.Expired, "cancel", "not-allowed")]
    [InlineData(InvitationFailureReason.InviteeMismatch, "auth", "forbidden")]
    [InlineData(InvitationFailureReason.UsesExhausted, "cancel", "not-allowed")]
    [InlineData(InvitationFailureReason.LedgerUnavailable, "wait", "internal-server-error")]
    public void For_Reason_MapsAsDocumented(InvitationFailureReason reason, string type, string condition)
    {
        var error = InvitationStanzaError.For(reason);

        error.Type.Should().Be(type);
        error.Condition.Should().Be(condition);
    }

    [Fact]
    public void For_None_Throws()
    {
        var act = () => InvitationStanzaError.For(InvitationFailureReason.None);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("reason");
    }

    [Fact]
    public void WriteTo_ExpiredInsideIq_WritesRfc6120ErrorElement()
    {
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            writer.WriteStartElement("iq", "jabber:client");
            InvitationStanzaError.For(InvitationFailureReason.Expired).WriteTo(writer);
            writer.WriteEndElement();
        }

        text.ToString().Should().Be(
            "<iq xmlns=\"jabber:client\"><error type=\"cancel\"><not-allowed xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\" />"
            + "<text xml:lang=\"en\" xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\">The invitation has expired.</text></error></iq>");
    }

    [Fact]
    public void ToXElement_JoinerBanned_HasConditionAndNoText()
    {
        var element = InvitationStanzaError.For(InvitationFailureReason.JoinerBanned).ToXElement();

        element.Name.LocalName.Should().Be("error");
        element.Attribute("type")!.Value.Should().Be("auth");
        element.Elements().Should().ContainSingle().Which.Name.ToString().Should().Be("{urn:ietf:params:xml:ns:xmpp-stanzas}forbidden");
    }

    [Fact]
    public void StanzaError_OfValidationResult_FollowsTable()
    {
        var (service, _) = TestKeys.Service();
        var result = service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });

        result.StanzaError.Condition.Should().Be("forbidden");
    }
}
