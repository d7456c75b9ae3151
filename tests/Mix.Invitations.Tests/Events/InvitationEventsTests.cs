using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.TestSupport;

namespace Mix.Invitations.Tests.Events;

public sealed class InvitationEventsTests : IDisposable
{
    private readonly InvitationService _service;
    private readonly FakeTimeProvider _time;
    private readonly RecordingSink _sink = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly InvitationTelemetry _telemetry;
    private readonly List<IDisposable> _owned = [];

    public InvitationEventsTests()
    {
        (_service, _time) = TestKeys.Service();
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        _telemetry = new InvitationTelemetry(null, _loggerFactory);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InvitationContext AsInvitee => new() { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _telemetry.Dispose();
        _loggerFactory.Dispose();
    }

    [Fact]
    public async Task IssueAsync_RaisesIssued_WithClaimsAndNoToken()
    {
        var service = InvitationService.Create(TestKeys.Options(), _time, eventSinks: [_sink]);

        var issued = (await service.IssueAsync(TestKeys.InviteeBound(maxUses: 2), Ct)).Issued;

        var e = await _sink.NextAsync();
        e.Kind.Should().Be(InvitationEventKind.Issued);
        e.At.Should().Be(_time.GetUtcNow());
        e.Channel.Should().Be(TestKeys.Channel);
        e.TokenId.Should().Be(issued.Claims.TokenId);
        e.Inviter.Should().Be(TestKeys.Inviter);
        e.Invitee.Should().Be(TestKeys.Invitee);
        e.Policy.Should().Be(BindingPolicies.InviteeBoundName);
        e.Reason.Should().Be(InvitationFailureReason.None);
        e.ToString().Should().NotContain(issued.Invitation.Token);
    }

    [Fact]
    public async Task Redeemer_RaisesEachKindOnce_WithTheRightFields()
    {
        var redeemer = Redeemer(new InMemoryInvitationLedger(_time));
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 2));
        var tokenId = invitation.Claims.TokenId;

        var first = await redeemer.RedeemAsync(invitation.Invitation, AsInvitee, Ct);
        var redeemed = await _sink.NextAsync();
        redeemed.Kind.Should().Be(InvitationEventKind.Redeemed);
        redeemed.TokenId.Should().Be(tokenId);
        redeemed.Joiner.Should().Be(TestKeys.Invitee);
        redeemed.Inviter.Should().Be(TestKeys.Inviter);
        redeemed.IsRepeat.Should().BeFalse();

        var again = await redeemer.RedeemAsync(invitation.Invitation, AsInvitee, Ct);
        again.IsRepeat.Should().BeTrue();
        (await _sink.NextAsync()).Should().Match<InvitationEvent>(e => e.Kind == InvitationEventKind.Redeemed && e.IsRepeat);

        (await redeemer.ReleaseAsync(first.Receipt!, Ct)).Should().Be(InvitationReleaseOutcome.Released);
        var released = await _sink.NextAsync();
        released.Kind.Should().Be(InvitationEventKind.Released);
        released.TokenId.Should().Be(tokenId);
        released.Channel.Should().Be(TestKeys.Channel);

        (await redeemer.RevokeAsync(invitation.Invitation, Ct)).IsValid.Should().BeTrue();
        var revoked = await _sink.NextAsync();
        revoked.Kind.Should().Be(InvitationEventKind.Revoked);
        revoked.TokenId.Should().Be(tokenId);
        revoked.Policy.Should().Be(BindingPolicies.InviteeBoundName);

        (await redeemer.RedeemAsync(invitation.Invitation, AsInvitee, Ct)).Reason.Should().Be(InvitationFailureReason.Revoked);
        var refused = await _sink.NextAsync();
        refused.Kind.Should().Be(InvitationEventKind.Refused);
        refused.Reason.Should().Be(InvitationFailureReason.Revoked);
        refused.TokenId.Should().Be(tokenId);
        refused.Joiner.Should().Be(TestKeys.Invitee);

        var cutOff = _time.GetUtcNow();
        (await redeemer.RevokeChannelAsync(TestKeys.Channel, cutOff, Ct)).Should().BeTrue();
        var bulk = await _sink.NextAsync();
        bulk.Kind.Should().Be(InvitationEventKind.RevokedInBulk);
        bulk.TokenId.Should().BeNull();
        bulk.Inviter.Should().BeNull();
        bulk.IssuedBefore.Should().Be(cutOff);

        (await redeemer.RevokeInviterAsync(TestKeys.Channel, TestKeys.Inviter, cutOff, Ct)).Should().BeTrue();
        var byInviter = await _sink.NextAsync();
        byInviter.Kind.Should().Be(InvitationEventKind.RevokedInBulk);
        byInviter.Inviter.Should().Be(TestKeys.Inviter);

        _sink.Received.Should().OnlyContain(e => !e.ToString().Contains(invitation.Invitation.Token, StringComparison.Ordinal));
        _sink.TryNext(out _).Should().BeFalse();
    }

    [Fact]
    public async Task RedeemAsync_ForgedToken_RaisesNothing()
    {
        var redeemer = Redeemer(new InMemoryInvitationLedger(_time));
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;
        var forged = new Invitation(invitation.Channel, invitation.Token, invitation.Inviter, TestKeys.Stranger);

        (await redeemer.RedeemAsync(forged, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, Ct)).Reason.Should().Be(InvitationFailureReason.BadSignature);
        (await redeemer.RevokeChannelAsync(TestKeys.Channel, null, Ct)).Should().BeTrue();

        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.RevokedInBulk, "the forged redemption raised nothing before it");
    }

    [Theory]
    [InlineData(InvitationAckKind.Joined, InvitationEventKind.Joined)]
    [InlineData(InvitationAckKind.Declined, InvitationEventKind.Declined)]
    [InlineData(InvitationAckKind.Acknowledged, InvitationEventKind.Acknowledged)]
    public async Task AcknowledgeAsync_GenuineAck_RaisesTheMatchingEvent(InvitationAckKind value, InvitationEventKind expected)
    {
        var redeemer = Redeemer(null);
        var issued = _service.Issue(TestKeys.InviteeBound());

        var result = await redeemer.AcknowledgeAsync(new InvitationAck(value, issued.Invitation), AsInvitee, Ct);

        result.IsValid.Should().BeTrue();
        var e = await _sink.NextAsync();
        e.Kind.Should().Be(expected);
        e.TokenId.Should().Be(issued.Claims.TokenId);
        e.Joiner.Should().Be(TestKeys.Invitee);
        e.Invitee.Should().Be(TestKeys.Invitee);
    }

    [Fact]
    public async Task AcknowledgeAsync_ForgedOrMisdirectedAck_RaisesNothing()
    {
        var redeemer = Redeemer(new InMemoryInvitationLedger(_time));
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;
        var tampered = new Invitation(invitation.Channel, Tamper(invitation.Token), invitation.Inviter, invitation.Invitee);

        (await redeemer.AcknowledgeAsync(new InvitationAck(InvitationAckKind.Declined, tampered), AsInvitee, Ct)).IsValid.Should().BeFalse();
        (await redeemer.AcknowledgeAsync(new InvitationAck(InvitationAckKind.Declined, invitation), new InvitationContext { Channel = TestKeys.OtherChannel, Joiner = TestKeys.Invitee }, Ct))
            .Reason.Should().Be(InvitationFailureReason.ChannelMismatch);
        (await redeemer.AcknowledgeAsync(new InvitationAck(InvitationAckKind.Declined, invitation), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, Ct))
            .Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
        (await redeemer.RevokeChannelAsync(TestKeys.Channel, null, Ct)).Should().BeTrue();

        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.RevokedInBulk, "no refused ack raised anything before it");
    }

    [Fact]
    public async Task ThrowingSink_ChangesNoOutcome_AndIsLogged()
    {
        var redeemer = Redeemer(null, sinks: [new ThrowingSink(), _sink]);
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        (await redeemer.RedeemAsync(invitation, AsInvitee, Ct)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee, Ct)).IsValid.Should().BeTrue();

        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Redeemed);
        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Redeemed);
        _logs.Logs.Should().Contain(l => l.EventId.Id == 10 && l.Level == LogLevel.Warning && l.Exception is InvalidOperationException);
    }

    // The sink never completes: a redemption that waited for it would never finish, and the timeout (a hang guard, not
    // a speed budget) would fail the test.
    [Fact(Timeout = 60_000)]
    public async Task HangingSink_BlocksNoRedemption_AndLaterEventsStillArrive()
    {
        var hanging = new HangingSink();
        var redeemer = Redeemer(null, sinks: [hanging, _sink], sinkTimeout: TimeSpan.FromMilliseconds(200));
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Redeemed);
        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Redeemed);
        _logs.Logs.Should().Contain(l => l.EventId.Id == 12 && l.Level == LogLevel.Warning);
    }

    // The sink is held shut: operations that waited for room in the queue would never finish (the timeout is a hang
    // guard, not a speed budget); that they finish, and drop what does not fit, is the property.
    [Fact(Timeout = 60_000)]
    public async Task FullQueue_DropsAndLogs_WithoutBlockingOperations()
    {
        var gate = new GateSink();
        var dispatcher = new InvitationEventDispatcher([gate], _telemetry, capacity: 4, sinkTimeout: TimeSpan.FromSeconds(30));
        _owned.Add(dispatcher);
        var redeemer = new InvitationRedeemer(_service, new InMemoryInvitationLedger(_time), null, _telemetry, () => new MixInvitationOptions(), _time, dispatcher);

        for (var i = 0; i < 100; i++)
        {
            (await redeemer.RevokeChannelAsync(TestKeys.Channel, null, TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        dispatcher.Dropped.Should().BeGreaterThanOrEqualTo(100 - 4 - 1);
        _logs.Logs.Should().Contain(l => l.EventId.Id == 11 && l.Level == LogLevel.Warning);
        gate.Open();
    }

    [Fact]
    public void NoSink_NoDispatcher()
    {
        InvitationEventDispatcher.Create(null, null).Should().BeNull();
        InvitationEventDispatcher.Create([], null).Should().BeNull();
    }

    [Fact]
    public async Task DependencyInjection_AddEventSink_SharesOneDispatcher()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations(TestKeys.Configuration().GetSection(MixInvitationOptions.SectionName))
            .AddEventSink(_sink)
            .AddEventSink<CountingSink>()
            .AddEventSink<CountingSink>();
        await using var provider = services.BuildServiceProvider();

        provider.GetServices<IInvitationEventSink>().OfType<CountingSink>().Should().ContainSingle();
        var service = provider.GetRequiredService<InvitationService>();
        var redeemer = provider.GetRequiredService<InvitationRedeemer>();
        var issued = (await service.IssueAsync(TestKeys.InviteeBound(), Ct)).Issued;
        (await redeemer.RedeemAsync(issued.Invitation, AsInvitee, Ct)).IsValid.Should().BeTrue();

        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Issued);
        (await _sink.NextAsync()).Kind.Should().Be(InvitationEventKind.Redeemed);
        provider.GetRequiredService<InvitationEventsRegistration>().Dispatcher.Should().NotBeNull();
    }

    private InvitationRedeemer Redeemer(IInvitationLedger? ledger, IInvitationEventSink[]? sinks = null, TimeSpan? sinkTimeout = null)
    {
        var dispatcher = new InvitationEventDispatcher(sinks ?? [_sink], _telemetry, sinkTimeout: sinkTimeout);
        _owned.Add(dispatcher);
        return new InvitationRedeemer(_service, ledger, null, _telemetry, () => new MixInvitationOptions(), _time, dispatcher);
    }

    private static string Tamper(string token)
    {
        var chars = token.ToCharArray();
        var i = chars.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private sealed class RecordingSink : IInvitationEventSink
    {
        private readonly Channel<InvitationEvent> _events = Channel.CreateUnbounded<InvitationEvent>();

        public List<InvitationEvent> Received { get; } = [];

        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken)
        {
            _events.Writer.TryWrite(invitationEvent);
            return ValueTask.CompletedTask;
        }

        public async Task<InvitationEvent> NextAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var e = await _events.Reader.ReadAsync(timeout.Token);
            Received.Add(e);
            return e;
        }

        public bool TryNext(out InvitationEvent? e) => _events.Reader.TryRead(out e);
    }

    private sealed class ThrowingSink : IInvitationEventSink
    {
        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken) => throw new InvalidOperationException("sink failure");
    }

    private sealed class HangingSink : IInvitationEventSink
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return new ValueTask(new TaskCompletionSource().Task); // never completes, ignores its token
        }
    }

    private sealed class GateSink : IInvitationEventSink
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken) => new(_open.Task);
    }

    private sealed class CountingSink : IInvitationEventSink
    {
        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
