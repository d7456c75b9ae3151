using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Component;

namespace Mix.Invitations.Interop.Tests.Component;

/// <summary>The component's stanza handling without a server: what the interop suite cannot easily provoke through a real client.</summary>
public class MixServiceTests
{
    private static readonly XNamespace Accept = "jabber:component:accept";
    private static readonly XNamespace MixCore = "urn:xmpp:mix:core:1";
    private static readonly XNamespace MixMisc = "urn:xmpp:mix:misc:0";
    private static readonly XNamespace Pars = "urn:xmpp:pars:0";
    private static readonly XNamespace PubSub = "http://jabber.org/protocol/pubsub";
    private static readonly XNamespace DataForms = "jabber:x:data";

    private readonly MixService _service;
    private readonly MixInvitationOptions _options = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public MixServiceTests()
    {
        _options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        _service = MixService.Create("mix.example.org", _options, _time);
        _service.AddChannel("coven", Jid.Parse("hag66@example.org"));
    }

    [Fact]
    public async Task Join_InvitationGrantingNodes_SubscribesExactlyTheGrantedNodes_NotWhatWasAsked()
    {
        var invitation = await IssueWithNodesAsync(MixNodes.Messages | MixNodes.Presence);
        var join = new XElement(MixCore + "join", Subscribe("urn:xmpp:mix:nodes:messages"), Subscribe("urn:xmpp:mix:nodes:participants"), Subscribe("urn:xmpp:mix:nodes:info"), invitation.ToXElement());

        var reply = await _service.HandleAsync(Iq("set", "cat@example.org/b", "coven@mix.example.org", join, "g1"), TestContext.Current.CancellationToken);

        ((string?)reply!.Attribute("type")).Should().Be("result", reply.ToString());
        SubscribedNodes(reply).Should().Equal("urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:presence");
    }

    [Fact]
    public async Task Join_InvitationWithoutNodesGrant_SubscribesWhatWasAsked()
    {
        var invitation = await IssueWithNodesAsync(MixNodes.None);
        var join = new XElement(MixCore + "join", Subscribe("urn:xmpp:mix:nodes:messages"), Subscribe("urn:xmpp:mix:nodes:info"), invitation.ToXElement());

        var reply = await _service.HandleAsync(Iq("set", "cat@example.org/b", "coven@mix.example.org", join, "g2"), TestContext.Current.CancellationToken);

        SubscribedNodes(reply!).Should().Equal("urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:info");
    }

    [Fact]
    public async Task Join_NarrowedPreauthWithNodesGrant_AdmitsOnlyItsInvitee_WithTheGrantedNodes_AndSharesTheOriginalsUses()
    {
        var original = await IssueWithNodesAsync(MixNodes.Messages, maxUses: 2);
        var copy = original.Narrow(new InvitationRestrictions { Invitee = Jid.Parse("viola@example.org") });
        copy.IsNarrowed.Should().BeTrue(copy.ToString());
        var copyJoin = new XElement(MixCore + "join", Subscribe("urn:xmpp:mix:nodes:presence"), copy.Invitation!.ToXElement());

        var orsino = await _service.HandleAsync(Iq("set", "orsino@example.org/a", "coven@mix.example.org", copyJoin, "n1"), TestContext.Current.CancellationToken);
        var viola = await _service.HandleAsync(Iq("set", "viola@example.org/a", "coven@mix.example.org", copyJoin, "n2"), TestContext.Current.CancellationToken);
        var sebastian = await _service.HandleAsync(Iq("set", "sebastian@example.org/a", "coven@mix.example.org", new XElement(MixCore + "join", new XElement(Pars + "preauth", new XAttribute("token", original.Token))), "n3"), TestContext.Current.CancellationToken);
        var antonio = await _service.HandleAsync(Iq("set", "antonio@example.org/a", "coven@mix.example.org", new XElement(MixCore + "join", new XElement(Pars + "preauth", new XAttribute("token", original.Token))), "n4"), TestContext.Current.CancellationToken);

        ErrorOf(orsino!).Should().Be(InvitationStanzaError.For(InvitationFailureReason.InviteeMismatch).ToString());
        SubscribedNodes(viola!).Should().Equal("urn:xmpp:mix:nodes:messages");
        SubscribedNodes(sebastian!).Should().Equal("urn:xmpp:mix:nodes:messages");
        ErrorOf(antonio!).Should().Be(InvitationStanzaError.For(InvitationFailureReason.UsesExhausted).ToString(), "viola's copy took one of the original's two uses");
    }

    private async Task<Invitation> IssueWithNodesAsync(MixNodes nodes, int? maxUses = null)
    {
        // The component's key, as a server's other node would hold it: a token it did not issue itself.
        var issuer = InvitationService.Create(_options, _time);
        var issued = await issuer.IssueAsync(
            new InvitationIssueRequest
            {
                Channel = Jid.Parse("coven@mix.example.org"),
                Policy = BindingPolicies.UnboundName,
                MaxUses = maxUses,
                Grants = nodes == MixNodes.None ? new InvitationGrants { Role = 1 } : new InvitationGrants { Nodes = nodes },
            },
            TestContext.Current.CancellationToken);
        issued.IsIssued.Should().BeTrue(issued.ToString());
        return issued.Issued.Invitation;
    }

    private static XElement Subscribe(string node) => new(MixCore + "subscribe", new XAttribute("node", node));

    private static string[] SubscribedNodes(XElement reply)
    {
        ((string?)reply.Attribute("type")).Should().Be("result", reply.ToString());
        return reply.Element(MixCore + "join")!.Elements(MixCore + "subscribe").Select(s => (string)s.Attribute("node")!).ToArray();
    }

    [Fact]
    public async Task Join_InvitationForAnotherChannel_RefusedWithChannelMismatch()
    {
        _service.AddChannel("den", Jid.Parse("hag66@example.org"));
        var invite = await _service.HandleAsync(Iq("get", "hag66@example.org/a", "den@mix.example.org", new XElement(MixMisc + "invite", new XElement(MixMisc + "invitee", "cat@example.org")), "1"), TestContext.Current.CancellationToken);
        var invitation = invite!.Descendants(MixMisc + "invitation").Single();

        var reply = await _service.HandleAsync(Iq("set", "cat@example.org/b", "coven@mix.example.org", new XElement(MixCore + "join", invitation), "2"), TestContext.Current.CancellationToken);

        ErrorOf(reply!).Should().Be(InvitationStanzaError.For(InvitationFailureReason.ChannelMismatch).ToString());
    }

    [Fact]
    public async Task Join_InvitationWithoutToken_RefusedAsMalformed()
    {
        var invitation = new XElement(MixMisc + "invitation", new XElement(MixMisc + "channel", "coven@mix.example.org"));

        var reply = await _service.HandleAsync(Iq("set", "cat@example.org/b", "coven@mix.example.org", new XElement(MixCore + "join", invitation), "3"), TestContext.Current.CancellationToken);

        ErrorOf(reply!).Should().Be(InvitationStanzaError.For(InvitationFailureReason.Malformed).ToString());
    }

    [Fact]
    public async Task Invite_ToUnknownChannel_ItemNotFound()
    {
        var reply = await _service.HandleAsync(Iq("get", "hag66@example.org/a", "nowhere@mix.example.org", new XElement(MixMisc + "invite", new XElement(MixMisc + "invitee", "cat@example.org")), "4"), TestContext.Current.CancellationToken);

        ErrorOf(reply!).Should().StartWith("cancel/item-not-found");
    }

    [Fact]
    public async Task Reply_AddressesTheSenderFromTheChannel_InComponentNamespace()
    {
        var reply = await _service.HandleAsync(Iq("get", "hag66@example.org/a", "coven@mix.example.org", new XElement(MixMisc + "invite", new XElement(MixMisc + "invitee", "cat@example.org")), "5"), TestContext.Current.CancellationToken);

        reply!.Name.Should().Be(Accept + "iq");
        ((string?)reply.Attribute("type")).Should().Be("result");
        ((string?)reply.Attribute("id")).Should().Be("5");
        ((string?)reply.Attribute("from")).Should().Be("coven@mix.example.org");
        ((string?)reply.Attribute("to")).Should().Be("hag66@example.org/a");
    }

    [Fact]
    public async Task ResultAndMessageStanzas_GetNoReply()
    {
        var result = Iq("result", "cat@example.org/b", "coven@mix.example.org", new XElement("x"), "6");
        var message = new XElement(Accept + "message", new XAttribute("from", "cat@example.org/b"), new XAttribute("to", "coven@mix.example.org"));

        (await _service.HandleAsync(result, TestContext.Current.CancellationToken)).Should().BeNull();
        (await _service.HandleAsync(message, TestContext.Current.CancellationToken)).Should().BeNull();
    }

    [Fact]
    public async Task Configuration_OwnerReadsTheForm_WithTheParticipantSettingOffByDefault()
    {
        var reply = await _service.HandleAsync(Iq("get", "hag66@example.org/a", "coven@mix.example.org", new XElement(PubSub + "pubsub", new XElement(PubSub + "items", new XAttribute("node", "urn:xmpp:mix:nodes:config"))), "7"), TestContext.Current.CancellationToken);

        ((string?)reply!.Attribute("type")).Should().Be("result", reply.ToString());
        var fields = reply.Descendants(DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!, f => (string?)f.Element(DataForms + "value"));
        fields.Should().Contain("FORM_TYPE", "urn:xmpp:mix:admin:0");
        fields.Should().Contain("Participation Addition by Invitation from Participant", "false");
    }

    [Theory]
    [InlineData("cat@example.org/b", "true", "auth/forbidden: Only the owner may change the configuration.")]
    [InlineData("hag66@example.org/a", "maybe", "modify/not-acceptable: 'Participation Addition by Invitation from Participant' is a boolean.")]
    public async Task Configuration_NotOwnerOrNotBoolean_IsRefusedAndChangesNothing(string from, string value, string expected)
    {
        _service.TryGetChannel(Jid.Parse("coven@mix.example.org"), out var channel).Should().BeTrue();
        channel!.Join(Jid.Parse("cat@example.org"));

        var reply = await _service.HandleAsync(Iq("set", from, "coven@mix.example.org", Publish(value), "8"), TestContext.Current.CancellationToken);

        ErrorOf(reply!).Should().Be(expected);
        channel.ParticipantsMayInvite.Should().BeFalse();
    }

    [Fact]
    public async Task Invite_ParticipantOnceAllowed_IsIssuedWithParticipantLimits()
    {
        _service.TryGetChannel(Jid.Parse("coven@mix.example.org"), out var channel).Should().BeTrue();
        channel!.Join(Jid.Parse("cat@example.org"));
        var invite = new XElement(MixMisc + "invite", new XElement(MixMisc + "invitee", "rat@example.org"));

        var before = await _service.HandleAsync(Iq("get", "cat@example.org/b", "coven@mix.example.org", invite, "9"), TestContext.Current.CancellationToken);
        var configured = await _service.HandleAsync(Iq("set", "hag66@example.org/a", "coven@mix.example.org", Publish("1"), "10"), TestContext.Current.CancellationToken);
        var after = await _service.HandleAsync(Iq("get", "cat@example.org/b", "coven@mix.example.org", invite, "11"), TestContext.Current.CancellationToken);

        ErrorOf(before!).Should().Be(InvitationStanzaError.For(InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations).ToString());
        ((string?)configured!.Attribute("type")).Should().Be("result", configured.ToString());
        channel.ParticipantsMayInvite.Should().BeTrue();
        ((string?)after!.Attribute("type")).Should().Be("result", after.ToString());
    }

    [Fact]
    public async Task Command_SessionOfAnotherRequester_IsBadSessionId_AndTheOwnersSessionStillCompletes()
    {
        XNamespace commands = "http://jabber.org/protocol/commands";
        _service.TryGetChannel(Jid.Parse("coven@mix.example.org"), out var channel).Should().BeTrue();
        channel!.Administrators = [Jid.Parse("cat@example.org")];
        var started = await _service.HandleAsync(Iq("set", "hag66@example.org/a", "coven@mix.example.org", new XElement(commands + "command", new XAttribute("node", AdminCommands.CreateNode), new XAttribute("action", "execute")), "c1"), TestContext.Current.CancellationToken);
        var sessionId = (string)started!.Element(commands + "command")!.Attribute("sessionid")!;
        XElement Submit(string from, string id, string label) => Iq("set", from, "coven@mix.example.org", new XElement(
            commands + "command",
            new XAttribute("node", AdminCommands.CreateNode),
            new XAttribute("sessionid", sessionId),
            new XAttribute("action", "complete"),
            new XElement(DataForms + "x", new XAttribute("type", "submit"), new XElement(DataForms + "field", new XAttribute("var", "label"), new XElement(DataForms + "value", label)))), id);

        var hijack = await _service.HandleAsync(Submit("cat@example.org/b", "c2", "mine"), TestContext.Current.CancellationToken);
        var otherResource = await _service.HandleAsync(Submit("hag66@example.org/other", "c3", "mine"), TestContext.Current.CancellationToken);
        var tooLong = await _service.HandleAsync(Submit("hag66@example.org/a", "c4", new string('x', InvitationIssueRequest.MaxLabelLength + 1)), TestContext.Current.CancellationToken);
        var done = await _service.HandleAsync(Submit("hag66@example.org/a", "c5", "for the cat"), TestContext.Current.CancellationToken);

        ErrorOf(hijack!).Should().Be("modify/bad-request: No such session.");
        hijack!.Element(Accept + "error")!.Element(commands + "bad-sessionid").Should().NotBeNull();
        ErrorOf(otherResource!).Should().Be("modify/bad-request: No such session.", "a session belongs to the full JID that started it");
        ErrorOf(tooLong!).Should().StartWith("modify/bad-request: 'label': The label is 65 characters long");
        ((string?)done!.Element(commands + "command")!.Attribute("status")).Should().Be("completed", done.ToString());
        _service.Commands!.OpenSessions.Should().Be(0);
    }

    [Fact]
    public async Task Command_UnknownNode_IsItemNotFound_AndDiscoOfAStrangerListsNone()
    {
        XNamespace commands = "http://jabber.org/protocol/commands";
        XNamespace items = "http://jabber.org/protocol/disco#items";

        var unknown = await _service.HandleAsync(Iq("set", "hag66@example.org/a", "coven@mix.example.org", new XElement(commands + "command", new XAttribute("node", "urn:mix-invitations:cmd:nope")), "d1"), TestContext.Current.CancellationToken);
        var stranger = await _service.HandleAsync(Iq("get", "cat@example.org/b", "coven@mix.example.org", new XElement(items + "query", new XAttribute("node", commands.NamespaceName)), "d2"), TestContext.Current.CancellationToken);

        ErrorOf(unknown!).Should().StartWith("cancel/item-not-found");
        stranger!.Element(items + "query")!.Elements().Should().BeEmpty();
    }

    private static XElement Publish(string participantsMayInvite) => new(
        PubSub + "pubsub",
        new XElement(
            PubSub + "publish",
            new XAttribute("node", "urn:xmpp:mix:nodes:config"),
            new XElement(
                PubSub + "item",
                new XElement(
                    DataForms + "x",
                    new XAttribute("type", "submit"),
                    new XElement(DataForms + "field", new XAttribute("var", "Participation Addition by Invitation from Participant"), new XElement(DataForms + "value", participantsMayInvite))))));

    private static XElement Iq(string type, string from, string to, XElement payload, string id) => new(
        Accept + "iq",
        new XAttribute("type", type),
        new XAttribute("id", id),
        new XAttribute("from", from),
        new XAttribute("to", to),
        payload);

    private static string ErrorOf(XElement reply)
    {
        ((string?)reply.Attribute("type")).Should().Be("error", reply.ToString());
        var error = reply.Element(Accept + "error")!;
        XNamespace stanzas = InvitationStanzaError.StanzasNamespace;
        var condition = error.Elements().First(e => e.Name.Namespace == stanzas && e.Name.LocalName != "text").Name.LocalName;
        var text = (string?)error.Element(stanzas + "text");
        return new InvitationStanzaError((string)error.Attribute("type")!, condition, text).ToString();
    }
}
