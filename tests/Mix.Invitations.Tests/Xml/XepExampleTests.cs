using System.Xml.Linq;

namespace Mix.Invitations.Tests.Xml;

// The XEP examples in Vectors/xep (source and corrections in Vectors/README.md): each parses to the values the
// example shows, and writing then reading gives the same values back.
public sealed class XepExampleTests
{
    private static Invitation Expected(string domain) => new(
        Jid.Parse($"coven@mix.shakespeare.{domain}"),
        "ABCDEF",
        Jid.Parse($"hag66@shakespeare.{domain}"),
        Jid.Parse($"cat@shakespeare.{domain}"));

    private static string Load(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "xep", file));

    [Fact]
    public void Vectors_AreAllCovered()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Vectors", "xep"), "*.xml").Select(Path.GetFileName);
        var covered = InvitationMessages.Concat(Requests).Concat(Results).Concat(Joins).Concat(Acks).Concat(Preauths)
            .Select(row => row.Data.Item1);

        files.Should().BeEquivalentTo(covered);
    }

    public static readonly TheoryData<string, string> InvitationMessages = new()
    {
        { "xep0407-ex8-invitation-message.xml", "example" },
        { "xep0369-v0.10.1-ex58-invitation-message.xml", "example" },
        { "xep0369-v0.9.3-ex58-invitation-message.xml", "lit" },
        { "xep0369-v0.7.1-ex52-invitation-message.xml", "lit" },
    };

    public static readonly TheoryData<string, string> Requests = new()
    {
        { "xep0407-ex7-invite-request-and-response.request.xml", "example" },
        { "xep0369-v0.10.1-ex57-invite-request-and-response.request.xml", "example" },
        { "xep0369-v0.9.3-ex57-invite-request-and-response.request.xml", "lit" },
        { "xep0369-v0.7.1-ex51-request-invitation.request.xml", "lit" },
    };

    public static readonly TheoryData<string, string> Results = new()
    {
        { "xep0407-ex7-invite-request-and-response.result.xml", "example" },
        { "xep0369-v0.10.1-ex57-invite-request-and-response.result.xml", "example" },
        { "xep0369-v0.9.3-ex57-invite-request-and-response.result.xml", "lit" },
        { "xep0369-v0.7.1-ex51-request-invitation.result.xml", "lit" },
    };

    public static readonly TheoryData<string, string> Joins = new()
    {
        { "xep0407-ex9-join-with-invitation.xml", "example" },
        { "xep0369-v0.10.1-ex59-join-with-invitation.xml", "example" },
        { "xep0369-v0.9.3-ex59-join-with-invitation.xml", "lit" },
        { "xep0369-v0.7.1-ex53-join-with-invitation.xml", "lit" },
    };

    public static readonly TheoryData<string, string> Acks = new()
    {
        { "xep0407-ex10-invitation-ack.xml", "example" },
        { "xep0369-v0.10.1-ex60-invitation-ack.xml", "example" },
        { "xep0369-v0.9.3-ex60-invitation-ack.xml", "lit" },
        { "xep0369-v0.7.1-ex54-invitation-ack.xml", "lit" },
    };

    public static readonly TheoryData<string, string> Preauths = new()
    {
        { "xep0379-ex3-subscribe-with-preauth.xml", "1tMFqYDdKhfe2pwp" },
        { "xep0379-ex5-subscribe-with-preauth-received.xml", "1tMFqYDdKhfe2pwp" },
        { "xep0445-ex2-iq-preauth.xml", "TOKEN" },
    };

    [Theory]
    [MemberData(nameof(InvitationMessages))]
    public void ReadInvitation_MessageExample_GivesTheValues(string file, string domain)
    {
        var invitation = InvitationXml.Read<Invitation>(Load(file));

        invitation.Should().Be(Expected(domain));
        InvitationXml.Read<Invitation>(invitation.ToXml()).Should().Be(invitation);
        InvitationXml.Read<Invitation>(XElement.Parse(Load(file))).Should().Be(invitation);
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void ReadInviteRequest_Example_GivesTheInvitee(string file, string domain)
    {
        var request = InvitationXml.Read<InviteRequest>(Load(file));

        request.Invitee.Should().Be(Jid.Parse($"cat@shakespeare.{domain}"));
        InvitationXml.Read<InviteRequest>(request.ToXml()).Should().Be(request);
    }

    [Theory]
    [MemberData(nameof(Results))]
    public void ReadInviteResult_Example_GivesTheInvitation(string file, string domain)
    {
        var result = InvitationXml.Read<InviteResult>(Load(file));

        result.Invitation.Should().Be(Expected(domain));
        InvitationXml.Read<InviteResult>(result.ToXml()).Should().Be(result);
    }

    [Theory]
    [MemberData(nameof(Joins))]
    public void ReadMixJoin_Example_GivesTheInvitationAndSubscription(string file, string domain)
    {
        var join = InvitationXml.Read<MixJoin>(Load(file));

        join.Invitation.Should().Be(Expected(domain));
        join.Subscriptions.Should().Equal("urn:xmpp:mix:nodes:messages");
        InvitationXml.Read<MixJoin>(join.ToXml()).Should().Be(join);
    }

    [Theory]
    [MemberData(nameof(Acks))]
    public void ReadInvitationAck_Example_IsDeclined(string file, string domain)
    {
        var ack = InvitationXml.Read<InvitationAck>(Load(file));

        ack.Value.Should().Be(InvitationAckKind.Declined);
        ack.Invitation.Should().Be(Expected(domain));
        InvitationXml.Read<InvitationAck>(ack.ToXml()).Should().Be(ack);
    }

    [Theory]
    [MemberData(nameof(Preauths))]
    public void ReadPreauth_Example_GivesTheToken(string file, string token)
    {
        var preauth = InvitationXml.Read<Preauth>(Load(file));

        preauth.Token.Should().Be(token);
        InvitationXml.Read<Preauth>(preauth.ToXml()).Should().Be(preauth);
    }
}
