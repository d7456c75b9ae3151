using System.Xml.Linq;
using Mix.Invitations.Component;
using Mix.Invitations.Interop.Tests.Infrastructure;
using static Mix.Invitations.Interop.Tests.Infrastructure.Stanzas;

namespace Mix.Invitations.Interop.Tests;

/// <summary>
/// The invitation round trip through a real server (each test runs on Prosody and on ejabberd) and a real client (xmpp.js): users authenticate with the server,
/// which stamps the <c>from</c> of every stanza the component sees; the component is the sample in
/// samples/Mix.Invitations.Component, connected over XEP-0114.
/// </summary>
public abstract class InvitationFlowTests<TFixture>
    where TFixture : InteropFixture
{
    private static int s_channel;
    private readonly InteropFixture _fixture;

    protected InvitationFlowTests(TFixture fixture)
    {
        _fixture = fixture;
    }

    private XmppClientDriver Client => _fixture.Client;

    [Fact]
    public async Task Invite_AsParticipant_ReturnsInviteeBoundInvitationWithServerStampedInviter()
    {
        var channel = await CreateChannelAsync("alice");

        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));

        Text(invitation, "inviter").Should().Be(InteropFixture.Jid("alice"));
        Text(invitation, "invitee").Should().Be(InteropFixture.Jid("bob"));
        Text(invitation, "channel").Should().Be(channel);
        Text(invitation, "token").Should().MatchRegex("^[A-Za-z0-9_-]{20,}$");
    }

    [Fact]
    public async Task Join_AsInviteeWithInvitation_IsAccepted()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));

        var reply = await Client.SendAsync("bob", Iq("set", channel, JoinWith(invitation)));

        TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
        var join = Child(reply, "join");
        join.Should().NotBeNull(reply.ToString());
        ((string?)join!.Attribute("id")).Should().NotBeNullOrEmpty();
        _fixture.Service.TryGetChannel(Jid.Parse(channel), out var state).Should().BeTrue();
        state!.IsParticipant(Jid.Parse(InteropFixture.Jid("bob"))).Should().BeTrue();
    }

    [Fact]
    public async Task Join_WithInvitationInheritingJoinNamespace_IsAccepted()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));
        foreach (var element in invitation.DescendantsAndSelf())
        {
            element.Name = MixCore + element.Name.LocalName; // <invitation> written without its own xmlns inside <join>
        }

        var reply = await Client.SendAsync("bob", Iq("set", channel, JoinWith(invitation)));

        TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
        IsParticipant(channel, "bob").Should().BeTrue();
    }

    [Fact]
    public async Task Join_ByThirdUserWithSomeoneElsesInvitation_IsRefusedWithMappedError()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));
        (await Client.SendAsync("bob", Iq("set", channel, JoinWith(invitation)))).Should().Match<XElement>(r => TypeOf(r) == "result");

        var reply = await Client.SendAsync("carol", Iq("set", channel, JoinWith(invitation)));

        ShouldBeRefused(reply, InvitationFailureReason.InviteeMismatch);
        IsParticipant(channel, "carol").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithSpoofedFromAttribute_NeverReachesTheComponentAsTheSpoofedUser()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));
        var spoofed = Iq("set", channel, JoinWith(invitation));
        spoofed.SetAttributeValue("from", InteropFixture.Jid("bob") + "/interop");

        if (_fixture.Server == XmppServerKind.Prosody)
        {
            // Prosody stamps the real sender: the component sees carol and refuses bob's invitation.
            var reply = await Client.SendAsync("carol", spoofed);
            ShouldBeRefused(reply, InvitationFailureReason.InviteeMismatch);
        }
        else
        {
            // ejabberd closes the stream instead (RFC 6120 §4.9.3.9 invalid-from): the stanza goes nowhere.
            var send = async () => await Client.SendAsync("carol", spoofed);
            (await send.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("invalid-from");
            await _fixture.ReconnectAsync("carol");
        }

        IsParticipant(channel, "bob").Should().BeFalse();
        IsParticipant(channel, "carol").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithTamperedToken_IsRefusedWithMappedError()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("carol"));
        var token = invitation.Element(MixMisc + "token")!;
        var chars = token.Value.ToCharArray();
        chars[^4] = chars[^4] == 'A' ? 'B' : 'A'; // inside the tag: every bit of that character is data
        token.Value = new string(chars);

        var reply = await Client.SendAsync("carol", Iq("set", channel, JoinWith(invitation)));

        ShouldBeRefused(reply, InvitationFailureReason.BadSignature);
        IsParticipant(channel, "carol").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithGenuineInvitationToAnotherChannel_IsRefusedChannelMismatch()
    {
        // The invitation names channel A and verifies for A; the <join/> is addressed to B. The component compares the
        // stanza's 'to' with the token's channel, so bob is admitted to neither.
        var channelA = await CreateChannelAsync("alice");
        var channelB = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channelA, InteropFixture.Jid("bob"));

        var reply = await Client.SendAsync("bob", Iq("set", channelB, JoinWith(invitation)));

        ShouldBeRefused(reply, InvitationFailureReason.ChannelMismatch);
        IsParticipant(channelB, "bob").Should().BeFalse();
        IsParticipant(channelA, "bob").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithInvitationForAnotherInvitee_RewrittenToSelf_IsRefused()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("bob"));
        invitation.Element(MixMisc + "invitee")!.Value = InteropFixture.Jid("carol");

        var reply = await Client.SendAsync("carol", Iq("set", channel, JoinWith(invitation)));

        ShouldBeRefused(reply, InvitationFailureReason.BadSignature);
    }

    [Fact]
    public async Task Join_WithExpiredInvitation_IsRefusedWithMappedError()
    {
        var channel = await CreateChannelAsync("alice");
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid("carol"));
        _fixture.Time.Advance(new MixInvitationOptions().DefaultLifetime + TimeSpan.FromMinutes(5));

        var reply = await Client.SendAsync("carol", Iq("set", channel, JoinWith(invitation)));

        ShouldBeRefused(reply, InvitationFailureReason.Expired);
        IsParticipant(channel, "carol").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithSingleUseBearerTokenTwice_SecondIsRefused()
    {
        var channel = await CreateChannelAsync("alice");
        var preauth = await Client.SendAsync("alice", Iq("get", channel, PreAuthRequest()));
        TypeOf(preauth).Should().Be("result", _fixture.Diagnostics());
        var token = (string?)Child(preauth, "preauth")?.Attribute("token");
        token.Should().NotBeNullOrEmpty(preauth.ToString());

        var first = await Client.SendAsync("carol", Iq("set", channel, JoinWithPreAuth(token!)));
        var second = await Client.SendAsync("bob", Iq("set", channel, JoinWithPreAuth(token!)));

        TypeOf(first).Should().Be("result", _fixture.Diagnostics());
        IsParticipant(channel, "carol").Should().BeTrue();
        ShouldBeRefused(second, InvitationFailureReason.UsesExhausted);
        IsParticipant(channel, "bob").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithNarrowedCopyGrantingNodes_SubscribesTheGrantedNodes_AndAdmitsOnlyItsInvitee()
    {
        var channel = await CreateChannelAsync("alice");
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = InteropFixture.ComponentKey });
        var issued = await InvitationService.Create(options, _fixture.Time).IssueAsync(
            new InvitationIssueRequest
            {
                Channel = Jid.Parse(channel),
                Policy = BindingPolicies.UnboundName,
                MaxUses = 5,
                Grants = new InvitationGrants { Nodes = MixNodes.Messages | MixNodes.Presence | MixNodes.Participants },
            },
            TestContext.Current.CancellationToken);
        var copy = issued.Issued.Invitation.Narrow(new InvitationRestrictions { Invitee = Jid.Parse(InteropFixture.Jid("bob")) });
        copy.IsNarrowed.Should().BeTrue(copy.ToString());

        // The join asks for messages only; the grant decides.
        var carol = await Client.SendAsync("carol", Iq("set", channel, JoinWith(copy.Invitation!.ToXElement())));
        var bob = await Client.SendAsync("bob", Iq("set", channel, JoinWith(copy.Invitation.ToXElement())));

        ShouldBeRefused(carol, InvitationFailureReason.InviteeMismatch);
        TypeOf(bob).Should().Be("result", _fixture.Diagnostics());
        Child(bob, "join")!.Elements().Where(e => e.Name.LocalName == "subscribe").Select(e => (string?)e.Attribute("node"))
            .Should().Equal("urn:xmpp:mix:nodes:messages", "urn:xmpp:mix:nodes:presence", "urn:xmpp:mix:nodes:participants");
        IsParticipant(channel, "bob").Should().BeTrue();
        IsParticipant(channel, "carol").Should().BeFalse();
    }

    [Fact]
    public async Task Join_WithoutInvitation_IsRefusedForbidden()
    {
        var channel = await CreateChannelAsync("alice");

        var reply = await Client.SendAsync("bob", Iq("set", channel, new XElement(MixCore + "join")));

        TypeOf(reply).Should().Be("error");
        var error = ErrorOf(reply);
        (error.Type, error.Condition).Should().Be(("auth", "forbidden"));
    }

    [Fact]
    public async Task Invite_AsNonParticipant_IsRefusedForbidden()
    {
        var channel = await CreateChannelAsync("alice");

        var reply = await Client.SendAsync("carol", Iq("get", channel, Invite(InteropFixture.Jid("bob"))));

        // Role "other": the built-in rules refuse it whatever the channel's setting.
        ShouldBeRefused(reply, InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Fact]
    public async Task Invite_AsParticipant_RefusedUntilTheOwnerLetsParticipantsInvite()
    {
        var channel = await CreateChannelAsync("alice");
        await AddParticipantAsync(channel, "bob");

        var refused = await Client.SendAsync("bob", Iq("get", channel, Invite(InteropFixture.Jid("carol"))));
        var bobConfigures = await Client.SendAsync("bob", Iq("set", channel, Configure(participantsMayInvite: true)));
        var ownerConfigures = await Client.SendAsync("alice", Iq("set", channel, Configure(participantsMayInvite: true)));
        var invitation = await InviteAsync("bob", channel, InteropFixture.Jid("carol"));

        ShouldBeRefused(refused, InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations);
        TypeOf(bobConfigures).Should().Be("error", "only the owner changes the configuration");
        (ErrorOf(bobConfigures).Type, ErrorOf(bobConfigures).Condition).Should().Be(("auth", "forbidden"));
        TypeOf(ownerConfigures).Should().Be("result", _fixture.Diagnostics());
        Text(invitation, "inviter").Should().Be(InteropFixture.Jid("bob"));
        var join = await Client.SendAsync("carol", Iq("set", channel, JoinWith(invitation)));
        TypeOf(join).Should().Be("result", _fixture.Diagnostics());
    }

    [Fact]
    public async Task Invite_AsParticipantBeyondTheRate_IsRefusedResourceConstraintWithRetryAfter()
    {
        var channel = await CreateChannelAsync("alice");
        await AddParticipantAsync(channel, "bob");
        (await Client.SendAsync("alice", Iq("set", channel, Configure(participantsMayInvite: true)))).Should().Match<XElement>(r => TypeOf(r) == "result");
        var rate = new ComponentOptions().ParticipantRate;
        for (var i = 0; i < rate.PermitLimit; i++)
        {
            await InviteAsync("bob", channel, InteropFixture.Jid("carol"));
        }

        var reply = await Client.SendAsync("bob", Iq("get", channel, PreAuthRequest()));

        // Windows are aligned to the epoch: the retry-after is the time to the end of the current one.
        var windowMs = (long)rate.Window.TotalMilliseconds;
        var retryAfter = TimeSpan.FromMilliseconds(windowMs - (_fixture.Time.GetUtcNow().ToUnixTimeMilliseconds() % windowMs));
        ShouldBeRefused(reply, InvitationIssueRefusalReason.InviterRateExceeded, retryAfter);
        ErrorOf(reply).Text.Should().Contain("Try again in");
    }

    [Fact]
    public async Task Invite_AsOwner_IsExemptFromTheParticipantRate()
    {
        var channel = await CreateChannelAsync("alice");
        var limit = new ComponentOptions().ParticipantRate.PermitLimit;

        for (var i = 0; i <= limit; i++)
        {
            var reply = await Client.SendAsync("alice", Iq("get", channel, PreAuthRequest()));
            TypeOf(reply).Should().Be("result", $"invitation {i + 1} of the owner\n{_fixture.Diagnostics()}");
        }
    }

    private async Task<string> CreateChannelAsync(string owner)
    {
        _fixture.RequireServer();
        var name = "room" + Interlocked.Increment(ref s_channel);
        var reply = await Client.SendAsync(owner, Iq("set", InteropFixture.ComponentDomain, Create(name)));
        TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
        return $"{name}@{InteropFixture.ComponentDomain}";
    }

    /// <summary>Asks the channel for an invitation (XEP-0407 §6) and returns the &lt;invitation/&gt; element.</summary>
    private async Task<XElement> InviteAsync(string inviter, string channel, string invitee)
    {
        var reply = await Client.SendAsync(inviter, Iq("get", channel, Invite(invitee)));
        TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
        var invitation = Child(reply, "invite")?.Element(MixMisc + "invitation");
        invitation.Should().NotBeNull(reply.ToString());
        return new XElement(invitation!);
    }

    /// <summary>The owner invites <paramref name="user"/>, who joins with the invitation.</summary>
    private async Task AddParticipantAsync(string channel, string user)
    {
        var invitation = await InviteAsync("alice", channel, InteropFixture.Jid(user));
        var reply = await Client.SendAsync(user, Iq("set", channel, JoinWith(invitation)));
        TypeOf(reply).Should().Be("result", _fixture.Diagnostics());
    }

    private void ShouldBeRefused(XElement reply, InvitationIssueRefusalReason reason, TimeSpan? retryAfter = null)
    {
        TypeOf(reply).Should().Be("error", _fixture.Diagnostics());
        var expected = InvitationStanzaError.For(reason, retryAfter);
        var error = ErrorOf(reply);
        (error.Type, error.Condition, error.Text).Should().Be((expected.Type, expected.Condition, expected.Text), reply.ToString());
    }

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

    private static string Text(XElement invitation, string child) => ((string?)invitation.Element(MixMisc + child))?.Trim() ?? string.Empty;
}

/// <summary>The invitation flow on Prosody.</summary>
[Collection(ProsodyServers.Name)]
public sealed class ProsodyInvitationFlowTests : InvitationFlowTests<ProsodyFixture>
{
    public ProsodyInvitationFlowTests(ProsodyFixture fixture)
        : base(fixture)
    {
    }
}

/// <summary>The invitation flow on ejabberd.</summary>
[Collection(EjabberdServers.Name)]
public sealed class EjabberdInvitationFlowTests : InvitationFlowTests<EjabberdFixture>
{
    public EjabberdInvitationFlowTests(EjabberdFixture fixture)
        : base(fixture)
    {
    }
}
