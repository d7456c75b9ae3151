using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Redemption;

public class InvitationRedeemerTests
{
    private readonly InvitationService _service;
    private readonly FakeTimeProvider _time;

    public InvitationRedeemerTests()
    {
        (_service, _time) = TestKeys.Service();
    }

    private static InvitationContext AsInvitee => new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

    [Fact]
    public async Task RedeemAsync_ForgedToken_ReturnsStatelessReasonWithoutLedger()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        var forged = new Invitation(invitation.Channel, invitation.Token, invitation.Inviter, TestKeys.Stranger);

        var result = await redeemer.RedeemAsync(forged, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RedeemAsync_NoLedger_NotUseLimited_RedeemsStatelessly()
    {
        var redeemer = new InvitationRedeemer(_service);
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task RedeemAsync_NoLedger_UseLimited_IsRefusedAsLedgerUnavailable()
    {
        var redeemer = new InvitationRedeemer(_service);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 3)).Invitation;

        var result = await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
        result.Claims.MaxUses.Should().Be(3);
    }

    [Fact]
    public async Task RedeemAsync_LedgerUnavailable_FailsClosed()
    {
        var redeemer = new InvitationRedeemer(_service, new RecordingLedger { Unavailable = true });

        var limited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation, AsInvitee, TestContext.Current.CancellationToken);
        var unlimited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee, TestContext.Current.CancellationToken);

        limited.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
        unlimited.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable, "with a ledger every token is checked for revocation");
    }

    [Fact]
    public async Task RedeemAsync_PassesExpiryPlusTolerancePlusMarginAndLimitToLedger()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1), maxUses: 4)).Invitation;

        var result = await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        result.IsValid.Should().BeTrue();
        ledger.Calls.Should().ContainSingle().Which.Should().Be(("consume", result.Claims.TokenId, TestKeys.Channel, 4, TestKeys.Epoch.AddHours(1).AddSeconds(30).AddMinutes(5)));
    }

    [Fact]
    public async Task RedeemAsync_ValidatorsToleranceAndTheMargin_AreWhatTheLedgerRetains()
    {
        // The tolerance is the validator's (claims.AcceptedUntil), the margin the redeemer's: 1 h + 5 s + 90 s.
        var service = InvitationService.Create(TestKeys.Options(o => o.ExpiryTolerance = TimeSpan.FromSeconds(5)), _time);
        var ledger = new RecordingLedger();
        var invitation = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1))).Invitation;
        var redeemer = new InvitationRedeemer(service, ledger, options: new MixInvitationOptions { LedgerRetentionMargin = TimeSpan.FromSeconds(90) });

        await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);
        await redeemer.RevokeAsync(invitation, TestContext.Current.CancellationToken);
        await new InvitationRedeemer(service, ledger).RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        ledger.Calls.Select(c => c.ExpiresAt).Should().Equal(
            TestKeys.Epoch.AddHours(1).AddSeconds(95),
            TestKeys.Epoch.AddHours(1).AddSeconds(95),
            TestKeys.Epoch.AddHours(1).AddSeconds(5).AddMinutes(5));
    }

    [Fact]
    public async Task RedeemAsync_WithDependencyInjection_TheMarginFollowsTheOptions()
    {
        var services = new ServiceCollection();
        var ledger = new RecordingLedger();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IInvitationLedger>(ledger);
        services.AddMixInvitations(o =>
        {
            TestKeys.Options().Keys.ToList().ForEach(o.Keys.Add);
            (o.ExpiryTolerance, o.LedgerRetentionMargin) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90));
        });
        using var provider = services.BuildServiceProvider();
        var invitation = provider.GetRequiredService<IInvitationIssuer>().Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1))).Invitation;

        await provider.GetRequiredService<InvitationRedeemer>().RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        ledger.Calls.Select(c => c.ExpiresAt).Should().Equal(TestKeys.Epoch.AddHours(1).AddSeconds(95));
    }

    [Fact]
    public async Task RevokeChannelAsync_RefusesTokensIssuedBefore_NewOnesRedeem()
    {
        using var ledger = new InMemoryInvitationLedger(_time);
        var redeemer = new InvitationRedeemer(_service, ledger, timeProvider: _time);
        var old = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        var bearer = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName }).Invitation;
        _time.Advance(TimeSpan.FromSeconds(1));

        (await redeemer.RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken)).Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(1));
        var fresh = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;

        (await redeemer.RedeemAsync(old, AsInvitee, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked, "an unbound token is reached by the channel's cut-off");
        (await redeemer.RedeemAsync(fresh, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task RevokeInviterAsync_RefusesThatInvitersBoundTokens_NotUnboundOnes()
    {
        using var ledger = new InMemoryInvitationLedger(_time);
        var redeemer = new InvitationRedeemer(_service, ledger, timeProvider: _time);
        var bound = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        var inviterBound = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.InviterBoundName }).Invitation;
        var unbound = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter, Policy = BindingPolicies.UnboundName }).Invitation;
        var othersInvitation = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Stranger, Policy = BindingPolicies.InviterBoundName }).Invitation;

        (await redeemer.RevokeInviterAsync(TestKeys.Channel, TestKeys.Inviter, TestKeys.Epoch.AddSeconds(1), TestContext.Current.CancellationToken)).Should().BeTrue();

        (await redeemer.RedeemAsync(bound, AsInvitee, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await redeemer.RedeemAsync(inviterBound, AsInvitee, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await redeemer.RedeemAsync(unbound, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue("an unbound token carries no authenticated inviter");
        (await redeemer.RedeemAsync(othersInvitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task RevokeChannelAndInviter_RetentionIsCutOffPlusMaxLifetimeToleranceAndMargin()
    {
        var ledger = new RecordingLedger();
        var options = new MixInvitationOptions { MaxLifetime = TimeSpan.FromDays(2), ExpiryTolerance = TimeSpan.FromSeconds(5), LedgerRetentionMargin = TimeSpan.FromSeconds(90) };
        var redeemer = new InvitationRedeemer(_service, ledger, options: options, timeProvider: _time);
        var cutOff = TestKeys.Epoch.AddHours(-3);

        await redeemer.RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken);
        await redeemer.RevokeInviterAsync(TestKeys.Channel, Jid.Parse("hag66@shakespeare.example/pda"), cutOff, TestContext.Current.CancellationToken);

        ledger.CutOffs.Should().Equal(
            (TestKeys.Channel, (Jid?)null, TestKeys.Epoch, TestKeys.Epoch.AddDays(2).AddSeconds(95)),
            (TestKeys.Channel, (Jid?)TestKeys.Inviter, cutOff, cutOff.AddDays(2).AddSeconds(95)));
        ledger.Unavailable = true;
        (await redeemer.RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken)).Should().BeFalse("an unreachable ledger is reported, not thrown");
        await FluentActions.Awaiting(async () => await new InvitationRedeemer(_service).RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken)).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task RedeemAsync_PassesIssuedAtBoundInviterAndJoiner_AndARetryIsMarked()
    {
        var recording = new RecordingLedger();
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        await new InvitationRedeemer(_service, recording).RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);
        recording.Requests.Should().ContainSingle().Which.Should().Match<InvitationLedgerRequest>(r =>
            r.IssuedAt == TestKeys.Epoch && r.Inviter == TestKeys.Inviter && r.Joiner == TestKeys.Invitee && r.MaxUses == 1);

        using var ledger = new InMemoryInvitationLedger(_time);
        var redeemer = new InvitationRedeemer(_service, ledger);
        var first = await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);
        var retry = await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        first.IsRepeat.Should().BeFalse();
        retry.IsValid.Should().BeTrue();
        retry.IsRepeat.Should().BeTrue();
        retry.Receipt.Should().BeEquivalentTo(first.Receipt, "the same use: releasing either gives it back once");
        (await redeemer.ReleaseAsync(retry.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.Released);
        (await redeemer.ReleaseAsync(first.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.NotOutstanding);
    }

    [Fact]
    public async Task WithDependencyInjection_CutOffRetentionFollowsTheOptionsOnReload()
    {
        var configuration = TestKeys.Configuration();
        var services = new ServiceCollection();
        var ledger = new RecordingLedger();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IInvitationLedger>(ledger);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(configuration);
        services.AddMixInvitations();
        await using var provider = services.BuildServiceProvider();
        var redeemer = provider.GetRequiredService<InvitationRedeemer>();

        await redeemer.RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken);
        var memory = configuration.Providers.OfType<Microsoft.Extensions.Configuration.Memory.MemoryConfigurationProvider>().Single();
        memory.Set("MixInvitations:MaxLifetime", "10.00:00:00");
        memory.Set("MixInvitations:LedgerRetentionMargin", "00:01:00");
        configuration.Reload();
        await redeemer.RevokeChannelAsync(TestKeys.Channel, cancellationToken: TestContext.Current.CancellationToken);

        var defaults = new MixInvitationOptions();
        ledger.CutOffs.Select(c => c.RetainUntil).Should().Equal(
            TestKeys.Epoch + defaults.MaxLifetime + defaults.ExpiryTolerance + defaults.LedgerRetentionMargin,
            TestKeys.Epoch + TimeSpan.FromDays(10) + defaults.ExpiryTolerance + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Constructor_MarginNotPositive_Throws()
    {
        var act = () => new InvitationRedeemer(_service, options: new MixInvitationOptions { LedgerRetentionMargin = TimeSpan.Zero });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options");
    }

    [Fact]
    public async Task RedeemAsync_LedgerReachedAfterRetention_IsRefusedAsExpired()
    {
        var ledger = new InMemoryInvitationLedger(_time);
        var slow = new DelegateCheck(_ =>
        {
            _time.Advance(TimeSpan.FromMinutes(6)); // longer than the 5-minute margin
            return InvitationFailureReason.None;
        });
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1), maxUses: 1)).Invitation;
        _time.SetUtcNow(TestKeys.Epoch.AddHours(1).AddSeconds(29)); // validates: within the 30-second tolerance

        var result = await new InvitationRedeemer(_service, ledger, [slow]).RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.Expired);
        result.Claims.MaxUses.Should().Be(1, "the tag had verified");
        result.StanzaError.Text.Should().Be("The invitation has expired.");
    }

    [Fact]
    public async Task RedeemAsync_CheckRefuses_LedgerNotConsulted()
    {
        var ledger = new InMemoryInvitationLedger(_time);
        var banned = new DelegateCheck(c => c.Joiner == TestKeys.Invitee ? InvitationFailureReason.JoinerBanned : InvitationFailureReason.None);
        var redeemer = new InvitationRedeemer(_service, ledger, [banned]);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;

        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.JoinerBanned);

        var unbanned = new InvitationRedeemer(_service, ledger);
        (await unbanned.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue("the refused attempt consumed no use");
    }

    [Fact]
    public async Task RedeemAsync_Checks_RunInOrderFirstRefusalWins()
    {
        var seen = new List<string>();
        var redeemer = new InvitationRedeemer(_service, null,
        [
            new DelegateCheck(c => { seen.Add("first"); return InvitationFailureReason.None; }),
            new DelegateCheck(c => { seen.Add("second"); return InvitationFailureReason.InviterNotAllowed; }),
            new DelegateCheck(c => { seen.Add("third"); return InvitationFailureReason.JoinerBanned; }),
        ]);

        var result = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee, TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.InviterNotAllowed);
        seen.Should().Equal("first", "second");
    }

    [Fact]
    public async Task RedeemAsync_CheckSeesInvitationClaimsAndJoiner()
    {
        InvitationRedemptionCheckContext? seen = null;
        var redeemer = new InvitationRedeemer(_service, null, [new DelegateCheck(c => { seen = c; return InvitationFailureReason.None; })]);
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);

        seen!.Value.Invitation.Should().BeSameAs(invitation);
        seen.Value.Joiner.Should().Be(TestKeys.Invitee);
        seen.Value.Claims.Policy.Should().Be(BindingPolicies.InviteeBoundName);
    }

    [Fact]
    public async Task RedeemAsync_CheckReturnsLedgerReason_Throws()
    {
        var redeemer = new InvitationRedeemer(_service, null, [new DelegateCheck(_ => InvitationFailureReason.Revoked)]);

        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee))
            .Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task RedeemAsync_NoChannelInContext_Throws()
    {
        var redeemer = new InvitationRedeemer(_service);

        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(Invitation.FromToken(TestKeys.Channel, "AAAA"), default))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("context");
        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(null!, AsInvitee))
            .Should().ThrowAsync<ArgumentNullException>().WithParameterName("invitation");
    }

    [Fact]
    public async Task RevokeAsync_InviteeBound_RefusesLaterRedemption()
    {
        var redeemer = new InvitationRedeemer(_service, new InMemoryInvitationLedger(_time));
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        var revoked = await redeemer.RevokeAsync(invitation, TestContext.Current.CancellationToken);

        revoked.IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task RevokeAsync_ForgedToken_StoresNothing()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound()).Invitation;

        var result = await redeemer.RevokeAsync(new Invitation(TestKeys.OtherChannel, invitation.Token, invitation.Inviter, invitation.Invitee), TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RevokeAsync_Expired_StoresNothing()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromMinutes(1))).Invitation;
        _time.Advance(TimeSpan.FromHours(1));

        (await redeemer.RevokeAsync(invitation, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Expired);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RevokeAsync_LedgerUnavailable_ReportsIt()
    {
        var redeemer = new InvitationRedeemer(_service, new RecordingLedger { Unavailable = true });

        (await redeemer.RevokeAsync(_service.Issue(TestKeys.InviteeBound()).Invitation, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
    }

    [Fact]
    public async Task RevokeAsync_NoLedger_Throws()
    {
        var redeemer = new InvitationRedeemer(_service);

        await FluentActions.Awaiting(async () => await redeemer.RevokeAsync(_service.Issue(TestKeys.InviteeBound()).Invitation))
            .Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(async () => await redeemer.RevokeBearerAsync("AAAA", default))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
    }

    [Fact]
    public async Task ReleaseAsync_LedgerUnavailable_SaysSoAndTheReceiptStaysGood()
    {
        var ledger = new InMemoryInvitationLedger(_time);
        var switchable = new SwitchableLedger(ledger);
        var redeemer = new InvitationRedeemer(_service, switchable);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;
        var redeemed = await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);
        switchable.Unavailable = true;

        (await redeemer.ReleaseAsync(redeemed.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.LedgerUnavailable);

        switchable.Unavailable = false;
        (await redeemer.ReleaseAsync(redeemed.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.Released, "the use stayed consumed, so a later release gives it back");
        (await redeemer.ReleaseAsync(redeemed.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.NotOutstanding);
    }

    [Fact]
    public async Task ReleaseAsync_NullReceiptOrNoLedger_Throws()
    {
        var ledger = new InMemoryInvitationLedger(_time);
        var redeemed = await new InvitationRedeemer(_service, ledger).RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation, AsInvitee, TestContext.Current.CancellationToken);

        await FluentActions.Awaiting(async () => await new InvitationRedeemer(_service, ledger).ReleaseAsync(null!))
            .Should().ThrowAsync<ArgumentNullException>().WithParameterName("receipt");
        await FluentActions.Awaiting(async () => await new InvitationRedeemer(_service).ReleaseAsync(redeemed.Receipt!))
            .Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task RedeemAsync_Success_ReceiptNamesTheUseTheLedgerTook()
    {
        var ledger = new RecordingLedger { UseId = 41 };
        var redeemer = new InvitationRedeemer(_service, ledger);

        var limited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: 2)).Invitation, AsInvitee, TestContext.Current.CancellationToken);
        ledger.UseId = 0;
        var unlimited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee, TestContext.Current.CancellationToken);

        limited.Receipt.Should().BeEquivalentTo(new { limited.Claims.TokenId, Channel = TestKeys.Channel, UseId = 41L });
        limited.Receipt!.ToString().Should().Be("use 41", "no token id in what may be logged");
        unlimited.IsValid.Should().BeTrue();
        unlimited.Receipt.Should().BeNull();
    }

    [Theory]
    [InlineData(2, 0L)]
    [InlineData(null, 7L)]
    public async Task RedeemAsync_LedgerBreaksTheUseIdRule_Throws(int? maxUses, long useId)
    {
        var redeemer = new InvitationRedeemer(_service, new RecordingLedger { UseId = useId });

        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: maxUses)).Invitation, AsInvitee))
            .Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public void LedgerResult_UseIdOnlyForAConsumedUse()
    {
        FluentActions.Invoking(() => new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted, 3)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("useId");
        FluentActions.Invoking(() => new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("useId");
        new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 3).ToString().Should().Be("Consumed (use 3)");
        new InvitationLedgerResult(InvitationLedgerOutcome.Revoked).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Revoked, 0));
    }

    [Fact]
    public async Task RedeemAsync_EveryOutcome_IsCountedInRedeemedMetric()
    {
        var counts = new Dictionary<string, long>();

        // A meter of this test's own factory: other tests running beside it report under the same meter name.
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = metrics.GetRequiredService<IMeterFactory>();
        using var telemetry = new InvitationTelemetry(meterFactory, null);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == InvitationTelemetry.Name && instrument.Name == "mix.invitations.redeemed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    var key = (string)tag.Value!;
                    counts[key] = counts.GetValueOrDefault(key) + value;
                }
            }
        });
        listener.Start();
        var redeemer = new InvitationRedeemer(_service, new InMemoryInvitationLedger(_time), null, telemetry);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation;

        var bearer = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Token;

        await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken);
        await redeemer.RedeemAsync(invitation, AsInvitee, TestContext.Current.CancellationToken); // a retry: redeemed again, no second use
        await redeemer.RedeemAsync(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken);
        await redeemer.RedeemBearerAsync(bearer, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken);
        await redeemer.RedeemBearerAsync(bearer, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, TestContext.Current.CancellationToken);

        counts.Should().Equal(new Dictionary<string, long>
        {
            ["None"] = 3,
            ["UsesExhausted"] = 1,
            ["InviteeMismatch"] = 1,
        });
    }

    [Fact]
    public async Task AddMixInvitations_RegistersRedeemerWithInMemoryLedgerAndChecks()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }))
            .AddRedemptionCheck(new DelegateCheck(c => c.Joiner == TestKeys.Stranger ? InvitationFailureReason.JoinerBanned : InvitationFailureReason.None));
        await using var provider = services.BuildServiceProvider();

        var redeemer = provider.GetRequiredService<InvitationRedeemer>();
        var bearer = provider.GetRequiredService<IInvitationIssuer>().Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation;

        redeemer.Ledger.Should().BeOfType<InMemoryInvitationLedger>();
        (await redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.JoinerBanned);
        (await redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Inviter }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public void AddInMemoryLedger_ReplacesAnotherLedger()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IInvitationLedger>(new RecordingLedger());
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddInMemoryLedger(TimeSpan.FromSeconds(5));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<InvitationRedeemer>().Ledger.Should().BeOfType<InMemoryInvitationLedger>().Which.PurgeInterval.Should().Be(TimeSpan.FromSeconds(5));
    }

    private sealed class DelegateCheck(Func<InvitationRedemptionCheckContext, InvitationFailureReason> check) : IInvitationRedemptionCheck
    {
        public ValueTask<InvitationFailureReason> CheckAsync(InvitationRedemptionCheckContext context, CancellationToken cancellationToken) => ValueTask.FromResult(check(context));
    }

    /// <summary>A ledger that records what it was asked and says yes (with <see cref="UseId"/>), or is unreachable.</summary>
    private sealed class RecordingLedger : IInvitationLedger
    {
        public List<(string Operation, InvitationTokenId Id, Jid Channel, int MaxUses, DateTimeOffset ExpiresAt)> Calls { get; } = [];

        public bool Unavailable { get; set; }

        /// <summary>Gets or sets the use id a consume answers with: by default 1 for a use-limited token, none otherwise, as the contract has it.</summary>
        public long? UseId { get; set; }

        public List<InvitationLedgerRequest> Requests { get; } = [];

        public List<(Jid Channel, Jid? Inviter, DateTimeOffset IssuedBefore, DateTimeOffset RetainUntil)> CutOffs { get; } = [];

        public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default)
        {
            Record("consume", request.TokenId, request.Channel, request.MaxUses, request.RetainUntil);
            Requests.Add(request);
            return ValueTask.FromResult(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, UseId ?? (request.MaxUses > 0 ? 1 : 0)));
        }

        public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
        {
            Record("cut-off", default, channel, 0, retainUntil);
            CutOffs.Add((channel, inviter, issuedBefore, retainUntil));
            return ValueTask.CompletedTask;
        }

        public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
        {
            Record("revoke", tokenId, channel, 0, retainUntil);
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default)
        {
            Record("release", tokenId, channel, 0, default);
            return ValueTask.FromResult(true);
        }

        private void Record(string operation, InvitationTokenId id, Jid channel, int maxUses, DateTimeOffset expiresAt)
        {
            if (Unavailable)
            {
                throw new InvitationLedgerUnavailableException("The recording ledger is switched off.");
            }

            Calls.Add((operation, id, channel, maxUses, expiresAt));
        }
    }

    /// <summary>A real ledger that can be made unreachable.</summary>
    private sealed class SwitchableLedger(IInvitationLedger inner) : IInvitationLedger
    {
        public bool Unavailable { get; set; }

        public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default) =>
            Unavailable ? throw Down() : inner.TryConsumeAsync(request, cancellationToken);

        public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
            Unavailable ? throw Down() : inner.RevokeIssuedBeforeAsync(channel, inviter, issuedBefore, retainUntil, cancellationToken);

        public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
            Unavailable ? throw Down() : inner.RevokeAsync(tokenId, channel, retainUntil, cancellationToken);

        public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default) =>
            Unavailable ? throw Down() : inner.ReleaseAsync(tokenId, channel, useId, cancellationToken);

        private static InvitationLedgerUnavailableException Down() => new("The switchable ledger is switched off.");
    }
}
