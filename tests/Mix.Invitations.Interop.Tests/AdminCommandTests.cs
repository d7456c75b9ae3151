using System.Globalization;
using System.Xml.Linq;
using Mix.Invitations.Component;
using Mix.Invitations.Interop.Tests.Infrastructure;
using static Mix.Invitations.Interop.Tests.Infrastructure.Stanzas;

namespace Mix.Invitations.Interop.Tests;

/// <summary>
/// The XEP-0050 administration commands of the sample component, run end to end through a real server by a real
/// client (xmpp.js, driven as a form-rendering client: execute, fill the XEP-0004 form, complete); the links they
/// create are then redeemed in XEP-0369 joins. In every channel alice is the owner and bob an administrator (set by
/// alice through the XEP-0406 configuration form); carol is a participant or nobody.
/// </summary>
public abstract class AdminCommandTests<TFixture>
    where TFixture : InteropFixture
{
    private static readonly XNamespace Commands = "http://jabber.org/protocol/commands";
    private static readonly XNamespace DiscoInfo = "http://jabber.org/protocol/disco#info";
    private static readonly XNamespace DiscoItems = "http://jabber.org/protocol/disco#items";
    private static readonly XNamespace Data = "jabber:x:data";
    private static int s_channel;
    private readonly InteropFixture _fixture;

    protected AdminCommandTests(TFixture fixture)
    {
        _fixture = fixture;
    }

    private XmppClientDriver Client => _fixture.Client;

    [Fact]
    public async Task Disco_ListsTheFourCommandsToOwnerAndAdministrator_NoneToAParticipant()
    {
        var channel = await CreateChannelWithAdministratorAsync();
        await JoinAsParticipantAsync(channel, "carol");
        var items = new XElement(DiscoItems + "query", new XAttribute("node", Commands.NamespaceName));

        var owner = await Client.SendAsync("alice", Iq("get", channel, items));
        var admin = await Client.SendAsync("bob", Iq("get", channel, new XElement(items)));
        var participant = await Client.SendAsync("carol", Iq("get", channel, new XElement(items)));
        var info = await Client.SendAsync("bob", Iq("get", channel, new XElement(DiscoInfo + "query")));
        var nodeInfo = await Client.SendAsync("bob", Iq("get", channel, new XElement(DiscoInfo + "query", new XAttribute("node", AdminCommands.CreateNode))));

        string[] nodes = [AdminCommands.CreateNode, AdminCommands.ListNode, AdminCommands.RevokeNode, AdminCommands.RevokeInviterNode];
        foreach (var reply in new[] { owner, admin })
        {
            TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
            var listed = Child(reply, "query")!.Elements(DiscoItems + "item").ToList();
            listed.Select(i => (string?)i.Attribute("node")).Should().BeEquivalentTo(nodes);
            listed.Should().OnlyContain(i => (string?)i.Attribute("jid") == channel && !string.IsNullOrEmpty((string?)i.Attribute("name")));
        }

        TypeOf(participant).Should().Be("result");
        Child(participant, "query")!.Elements().Should().BeEmpty("a participant may run none of them");
        Child(info, "query")!.Elements(DiscoInfo + "feature").Select(f => (string?)f.Attribute("var")).Should().Contain(Commands.NamespaceName);
        var identity = Child(nodeInfo, "query")!.Element(DiscoInfo + "identity")!;
        ((string?)identity.Attribute("category"), (string?)identity.Attribute("type")).Should().Be(("automation", "command-node"));
    }

    [Fact]
    public async Task Create_ByAdministrator_ReturnsXep0401Fields_AndTheLinkAdmitsAJoin()
    {
        var channel = await CreateChannelWithAdministratorAsync();

        var run = await Client.CommandAsync("bob", channel, AdminCommands.CreateNode, CommandSubmission.Complete(new Dictionary<string, string>
        {
            ["policy"] = BindingPolicies.UnboundName,
            ["lifetime"] = "2h",
            ["uses"] = "2",
            ["label"] = "Friday meetup ☕",
        }));

        // The form as the client rendered it: the five fields, typed.
        var form = FormOf(run.Form);
        ((string?)form.Attribute("type")).Should().Be("form");
        FieldTypes(form).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["policy"] = "list-single",
            ["invitee"] = "jid-single",
            ["lifetime"] = "text-single",
            ["uses"] = "text-single",
            ["label"] = "text-single",
        });
        Completed(run.Last);
        var result = FormOf(run.Last);
        ((string?)result.Attribute("type")).Should().Be("result");
        var uri = Value(result, "uri");
        var landing = Value(result, "landing-url");
        var expire = Value(result, "expire");
        uri.Should().StartWith($"xmpp:{channel}?join;preauth=");
        landing.Should().StartWith($"{MixService.DefaultLandingPage(Jid.Parse(InteropFixture.ComponentDomain))}#{channel}?join;preauth=");
        DateTimeOffset.ParseExact(expire, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            .Should().Be(TruncateToSeconds(_fixture.Time.GetUtcNow()) + TimeSpan.FromHours(2));
        InvitationTokenId.TryParse(Value(result, "id"), out _).Should().BeTrue();

        var invitation = InvitationUri.Parse(uri);
        var join = await Client.SendAsync("carol", Iq("set", channel, JoinWithPreAuth(invitation.Token)));

        TypeOf(join).Should().Be("result", _fixture.Diagnostics());
        IsParticipant(channel, "carol").Should().BeTrue();
        InvitationUri.Parse(landing).Token.Should().Be(invitation.Token);
    }

    [Fact]
    public async Task Create_InviteeBound_OnlyTheInviteeJoinsWithTheInvitation()
    {
        var channel = await CreateChannelWithAdministratorAsync();

        var run = await Client.CommandAsync("alice", channel, AdminCommands.CreateNode, CommandSubmission.Complete(new Dictionary<string, string>
        {
            ["policy"] = BindingPolicies.InviteeBoundName,
            ["invitee"] = InteropFixture.Jid("carol"),
        }));

        Completed(run.Last);
        var invitation = InvitationUri.Parse(Value(FormOf(run.Last), "uri"));
        invitation.Invitee.Should().Be(Jid.Parse(InteropFixture.Jid("carol")));
        var element = new InviteResult(invitation).ToXElement().Elements().Single();
        var bob = await Client.SendAsync("bob", Iq("set", channel, JoinWith(new XElement(element))));
        var carol = await Client.SendAsync("carol", Iq("set", channel, JoinWith(new XElement(element))));

        ShouldBeRefused(bob, InvitationFailureReason.InviteeMismatch);
        TypeOf(carol).Should().Be("result", _fixture.Diagnostics());
    }

    [Fact]
    public async Task List_ShowsTheCreatedInvitation_WithLabelUsesAndState()
    {
        var channel = await CreateChannelWithAdministratorAsync();
        var created = await CreateAsync("bob", channel, uses: "3", label: "for the list", policy: BindingPolicies.InviterBoundName);
        (await Client.SendAsync("carol", Iq("set", channel, JoinWithInvitation(created.Invitation)))).Should().Match<XElement>(r => TypeOf(r) == "result");
        await CreateAsync("alice", channel, uses: "1", label: "another");

        var run = await Client.CommandAsync("alice", channel, AdminCommands.ListNode, CommandSubmission.Complete(new Dictionary<string, string> { ["state"] = "active" }));

        Completed(run.Last);
        var result = FormOf(run.Last);
        result.Element(Data + "reported")!.Elements(Data + "field").Select(f => (string?)f.Attribute("var"))
            .Should().Contain(["id", "issued", "expires", "uses", "max", "state", "inviter", "invitee", "label"]);
        var items = result.Elements(Data + "item").Select(ItemValues).ToList();
        items.Should().HaveCount(2);
        var item = items.Single(i => i["id"] == created.Id);
        (item["uses"], item["max"], item["state"], item["label"], item["inviter"]).Should().Be(("1", "3", "active", "for the list", InteropFixture.Jid("bob")));
        var other = items.Single(i => i["id"] != created.Id);
        (other["label"], other["inviter"], other["policy"]).Should().Be(("another", string.Empty, BindingPolicies.UnboundName), "an unbound token's tag covers no inviter");
    }

    [Fact]
    public async Task Revoke_OneById_ThenAJoinWithItsLinkIsRefused()
    {
        var channel = await CreateChannelWithAdministratorAsync();
        var created = await CreateAsync("bob", channel, uses: "5", label: "to revoke");
        var kept = await CreateAsync("bob", channel, uses: "5", label: "to keep");
        (await Client.SendAsync("carol", Iq("set", channel, JoinWithPreAuth(created.Invitation.Token)))).Should().Match<XElement>(r => TypeOf(r) == "result");

        var run = await Client.CommandAsync("alice", channel, AdminCommands.RevokeNode, CommandSubmission.Complete(new Dictionary<string, string> { ["id"] = created.Id }));

        // The form offered both active invitations to pick from.
        var options = FormOf(run.Form).Elements(Data + "field").Single(f => (string?)f.Attribute("var") == "id").Elements(Data + "option").Select(o => (string?)o.Element(Data + "value")).ToList();
        options.Should().Contain([created.Id, kept.Id]);
        ((string?)FormOf(run.Form).Elements(Data + "field").Single(f => (string?)f.Attribute("var") == "id").Attribute("type")).Should().Be("list-single");
        Completed(run.Last);
        var second = await Client.SendAsync("bob", Iq("set", channel, JoinWithPreAuth(created.Invitation.Token)));
        ShouldBeRefused(second, InvitationFailureReason.Revoked);
        IsParticipant(channel, "bob").Should().BeFalse();
        var other = await Client.SendAsync("bob", Iq("set", channel, JoinWithPreAuth(kept.Invitation.Token)));
        TypeOf(other).Should().Be("result", "only the picked invitation is revoked\n" + _fixture.Diagnostics());
    }

    [Fact]
    public async Task RevokeInviter_RefusesThatInvitersPendingInvitations_AndListsThemRevoked()
    {
        var channel = await CreateChannelWithAdministratorAsync();
        var byBob = await CreateAsync("bob", channel, uses: "2", policy: BindingPolicies.InviterBoundName);
        var byAlice = await CreateAsync("alice", channel, uses: "2", policy: BindingPolicies.InviterBoundName);

        // The cut-off is "now" and excludes a token signed at that very instant; on the test's frozen clock a second passes.
        _fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var run = await Client.CommandAsync("alice", channel, AdminCommands.RevokeInviterNode, CommandSubmission.Complete(new Dictionary<string, string> { ["inviter"] = InteropFixture.Jid("bob") }));

        Completed(run.Last);
        ((string?)Child(run.Last, "command")!.Element(Commands + "note")).Should().Contain("1 were active");
        var refused = await Client.SendAsync("carol", Iq("set", channel, JoinWithInvitation(byBob.Invitation)));
        ShouldBeRefused(refused, InvitationFailureReason.Revoked);
        var admitted = await Client.SendAsync("carol", Iq("set", channel, JoinWithInvitation(byAlice.Invitation)));
        TypeOf(admitted).Should().Be("result", "alice's invitation is not bob's\n" + _fixture.Diagnostics());
        var list = await Client.CommandAsync("alice", channel, AdminCommands.ListNode, CommandSubmission.Complete(new Dictionary<string, string> { ["inviter"] = InteropFixture.Jid("bob") }));
        FormOf(list.Last).Elements(Data + "item").Select(ItemValues).Single()["state"].Should().Be("revoked");
    }

    [Theory]
    [InlineData(AdminCommands.CreateNode)]
    [InlineData(AdminCommands.ListNode)]
    [InlineData(AdminCommands.RevokeNode)]
    [InlineData(AdminCommands.RevokeInviterNode)]
    public async Task Execute_AsParticipantOrStranger_IsForbidden(string node)
    {
        var channel = await CreateChannelWithAdministratorAsync();
        await JoinAsParticipantAsync(channel, "carol");
        var strangerChannel = await CreateChannelWithAdministratorAsync();

        var participant = await Client.CommandAsync("carol", channel, node, CommandSubmission.Complete());
        var stranger = await Client.CommandAsync("carol", strangerChannel, node, CommandSubmission.Complete());

        foreach (var run in new[] { participant, stranger })
        {
            TypeOf(run.Form).Should().Be("error", run.Form.ToString());
            run.Replies.Should().BeEmpty();
            (ErrorOf(run.Form).Type, ErrorOf(run.Form).Condition).Should().Be(("auth", "forbidden"));
        }
    }

    [Fact]
    public async Task Cancel_EndsTheSession_AndItCannotBeSubmittedAfter()
    {
        var channel = await CreateChannelWithAdministratorAsync();

        var run = await Client.CommandAsync("bob", channel, AdminCommands.CreateNode, CommandSubmission.Cancel());
        var sessionId = (string?)Child(run.Form, "command")!.Attribute("sessionid");
        var late = await Client.CommandAsync("bob", channel, AdminCommands.CreateNode, new CommandSubmission("complete", new Dictionary<string, string> { ["uses"] = "1" }, sessionId));

        ((string?)Child(run.Last, "command")!.Attribute("status")).Should().Be("canceled");
        var error = late.Last;
        TypeOf(error).Should().Be("error", error.ToString());
        (ErrorOf(error).Type, ErrorOf(error).Condition).Should().Be(("modify", "bad-request"));
        Child(error, "error")!.Element(Commands + "bad-sessionid").Should().NotBeNull(error.ToString());
    }

    [Fact]
    public async Task Submit_WithBadInput_IsBadRequestNamingTheField_AndTheSameSessionThenCompletes()
    {
        var channel = await CreateChannelWithAdministratorAsync();

        var run = await Client.CommandAsync(
            "bob",
            channel,
            AdminCommands.CreateNode,
            CommandSubmission.Complete(new Dictionary<string, string> { ["uses"] = "lots" }),
            CommandSubmission.Complete(new Dictionary<string, string> { ["policy"] = BindingPolicies.InviteeBoundName }),
            CommandSubmission.Complete(new Dictionary<string, string> { ["lifetime"] = "400d" }),
            CommandSubmission.Complete(new Dictionary<string, string> { ["uses"] = "1" }));

        run.Replies.Should().HaveCount(4);
        var errors = run.Replies.Take(3).Select(r => (TypeOf(r), ErrorOf(r).Type, ErrorOf(r).Condition, ErrorOf(r).Text ?? string.Empty)).ToList();
        errors.Should().OnlyContain(e => e.Item1 == "error" && e.Type == "modify" && e.Condition == "bad-request");
        errors[0].Item4.Should().StartWith("'uses'");
        errors[1].Item4.Should().StartWith("'invitee'");
        errors[2].Item4.Should().StartWith("'lifetime'");
        Completed(run.Last);
        InvitationUri.Parse(Value(FormOf(run.Last), "uri")).Channel.Should().Be(Jid.Parse(channel));
    }

    /// <summary>Runs the create command and returns what its result says.</summary>
    private async Task<(Invitation Invitation, string Id)> CreateAsync(string admin, string channel, string uses, string? label = null, string policy = BindingPolicies.UnboundName)
    {
        var fields = new Dictionary<string, string> { ["policy"] = policy, ["uses"] = uses };
        if (label is not null)
        {
            fields["label"] = label;
        }

        var run = await Client.CommandAsync(admin, channel, AdminCommands.CreateNode, CommandSubmission.Complete(fields));
        Completed(run.Last);
        var result = FormOf(run.Last);
        return (InvitationUri.Parse(Value(result, "uri")), Value(result, "id"));
    }

    /// <summary>alice creates a channel and makes bob its administrator (XEP-0406 "Administrator").</summary>
    private async Task<string> CreateChannelWithAdministratorAsync()
    {
        _fixture.RequireServer();
        var name = "admin" + Interlocked.Increment(ref s_channel);
        var created = await Client.SendAsync("alice", Iq("set", InteropFixture.ComponentDomain, Create(name)));
        TypeOf(created).Should().Be("result", _fixture.Diagnostics());
        var channel = $"{name}@{InteropFixture.ComponentDomain}";
        var configured = await Client.SendAsync("alice", Iq("set", channel, ConfigureAdministrators(InteropFixture.Jid("bob"))));
        TypeOf(configured).Should().Be("result", _fixture.Diagnostics());
        return channel;
    }

    private async Task JoinAsParticipantAsync(string channel, string user)
    {
        var invite = await Client.SendAsync("alice", Iq("get", channel, Invite(InteropFixture.Jid(user))));
        TypeOf(invite).Should().Be("result", _fixture.Diagnostics());
        var invitation = Child(invite, "invite")!.Element(MixMisc + "invitation")!;
        var join = await Client.SendAsync(user, Iq("set", channel, JoinWith(new XElement(invitation))));
        TypeOf(join).Should().Be("result", _fixture.Diagnostics());
    }

    private static XElement JoinWithInvitation(Invitation invitation) => JoinWith(new InviteResult(invitation).ToXElement().Elements().Single());

    private void Completed(XElement reply)
    {
        TypeOf(reply).Should().Be("result", reply + "\n" + _fixture.Diagnostics());
        ((string?)Child(reply, "command")?.Attribute("status")).Should().Be("completed", reply.ToString());
    }

    private static XElement FormOf(XElement reply) =>
        Child(reply, "command")?.Element(Data + "x") ?? throw new InvalidOperationException($"No data form in {reply}");

    private static Dictionary<string, string> FieldTypes(XElement form) => form.Elements(Data + "field")
        .Where(f => (string?)f.Attribute("type") != "hidden")
        .ToDictionary(f => (string)f.Attribute("var")!, f => (string)f.Attribute("type")!);

    private static string Value(XElement form, string var) =>
        (string?)form.Elements(Data + "field").SingleOrDefault(f => (string?)f.Attribute("var") == var)?.Element(Data + "value")
        ?? throw new InvalidOperationException($"No field '{var}' in {form}");

    private static Dictionary<string, string> ItemValues(XElement item) => item.Elements(Data + "field")
        .ToDictionary(f => (string)f.Attribute("var")!, f => (string?)f.Element(Data + "value") ?? string.Empty);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());

    private void ShouldBeRefused(XElement reply, InvitationFailureReason reason)
    {
        TypeOf(reply).Should().Be("error", _fixture.Diagnostics());
        var expected = InvitationStanzaError.For(reason);
        var error = ErrorOf(reply);
        (error.Type, error.Condition, error.Text).Should().Be((expected.Type, expected.Condition, expected.Text), reply.ToString());
    }

    private bool IsParticipant(string channel, string user) =>
        _fixture.Service.TryGetChannel(Jid.Parse(channel), out var state)
        && state.IsParticipant(Jid.Parse(InteropFixture.Jid(user)));
}

/// <summary>The administration commands on Prosody.</summary>
[Collection(ProsodyServers.Name)]
public sealed class ProsodyAdminCommandTests : AdminCommandTests<ProsodyFixture>
{
    public ProsodyAdminCommandTests(ProsodyFixture fixture)
        : base(fixture)
    {
    }
}

/// <summary>The administration commands on ejabberd.</summary>
[Collection(EjabberdServers.Name)]
public sealed class EjabberdAdminCommandTests : AdminCommandTests<EjabberdFixture>
{
    public EjabberdAdminCommandTests(EjabberdFixture fixture)
        : base(fixture)
    {
    }
}
