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

    private static InvitationContext AsInvitee => new(TestKeys.Invitee, TestKeys.Channel);

    [Fact]
    public async Task RedeemAsync_ForgedToken_ReturnsStatelessReasonWithoutLedger()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1));
        var forged = new Invitation(invitation.Channel, invitation.Token, invitation.Inviter, TestKeys.Stranger);

        var result = await redeemer.RedeemAsync(forged, new InvitationContext(TestKeys.Stranger, TestKeys.Channel));

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RedeemAsync_NoLedger_NotUseLimited_RedeemsStatelessly()
    {
        var redeemer = new InvitationRedeemer(_service);
        var invitation = _service.Issue(TestKeys.InviteeBound());

        (await redeemer.RedeemAsync(invitation, AsInvitee)).IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task RedeemAsync_NoLedger_UseLimited_IsRefusedAsLedgerUnavailable()
    {
        var redeemer = new InvitationRedeemer(_service);
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 3));

        var result = await redeemer.RedeemAsync(invitation, AsInvitee);

        result.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
        result.Claims.MaxUses.Should().Be(3);
    }

    [Fact]
    public async Task RedeemAsync_LedgerUnavailable_FailsClosed()
    {
        var redeemer = new InvitationRedeemer(_service, new RecordingLedger { Unavailable = true });

        var limited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: 1)), AsInvitee);
        var unlimited = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()), AsInvitee);

        limited.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
        unlimited.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable, "with a ledger every token is checked for revocation");
    }

    [Fact]
    public async Task RedeemAsync_PassesExpiryPlusTolerancePlusMarginAndLimitToLedger()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1), maxUses: 4));

        var result = await redeemer.RedeemAsync(invitation, AsInvitee);

        result.IsValid.Should().BeTrue();
        ledger.Calls.Should().ContainSingle().Which.Should().Be(("consume", result.Claims.TokenId, TestKeys.Channel, 4, TestKeys.Epoch.AddHours(1).AddSeconds(30).AddMinutes(5)));
    }

    [Fact]
    public async Task RedeemAsync_MarginFromOptions_IsPassedToLedger()
    {
        var service = InvitationService.Create(TestKeys.Options(o => (o.ExpiryTolerance, o.LedgerRetentionMargin) = (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(90))), _time);
        var ledger = new RecordingLedger();
        var invitation = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1)));

        await new InvitationRedeemer(service, ledger).RedeemAsync(invitation, AsInvitee);
        await new InvitationRedeemer(service, ledger).RevokeAsync(invitation);

        ledger.Calls.Select(c => c.ExpiresAt).Should().Equal(TestKeys.Epoch.AddHours(1).AddSeconds(95), TestKeys.Epoch.AddHours(1).AddSeconds(95));
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
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromHours(1), maxUses: 1));
        _time.SetUtcNow(TestKeys.Epoch.AddHours(1).AddSeconds(29)); // validates: within the 30-second tolerance

        var result = await new InvitationRedeemer(_service, ledger, [slow]).RedeemAsync(invitation, AsInvitee);

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
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1));

        (await redeemer.RedeemAsync(invitation, AsInvitee)).Reason.Should().Be(InvitationFailureReason.JoinerBanned);

        var unbanned = new InvitationRedeemer(_service, ledger);
        (await unbanned.RedeemAsync(invitation, AsInvitee)).IsValid.Should().BeTrue("the refused attempt consumed no use");
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

        var result = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()), AsInvitee);

        result.Reason.Should().Be(InvitationFailureReason.InviterNotAllowed);
        seen.Should().Equal("first", "second");
    }

    [Fact]
    public async Task RedeemAsync_CheckSeesInvitationClaimsAndJoiner()
    {
        InvitationRedemptionCheckContext? seen = null;
        var redeemer = new InvitationRedeemer(_service, null, [new DelegateCheck(c => { seen = c; return InvitationFailureReason.None; })]);
        var invitation = _service.Issue(TestKeys.InviteeBound());

        await redeemer.RedeemAsync(invitation, AsInvitee);

        seen!.Value.Invitation.Should().BeSameAs(invitation);
        seen.Value.Joiner.Should().Be(TestKeys.Invitee);
        seen.Value.Claims.Policy.Should().Be(BindingPolicies.InviteeBoundName);
    }

    [Fact]
    public async Task RedeemAsync_CheckReturnsLedgerReason_Throws()
    {
        var redeemer = new InvitationRedeemer(_service, null, [new DelegateCheck(_ => InvitationFailureReason.Revoked)]);

        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound()), AsInvitee))
            .Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task RedeemTokenAsync_NoChannelInContext_Throws()
    {
        var redeemer = new InvitationRedeemer(_service);

        await FluentActions.Awaiting(async () => await redeemer.RedeemTokenAsync("AAAA", new InvitationContext(null, null)))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("context");
        await FluentActions.Awaiting(async () => await redeemer.RedeemAsync(null!, AsInvitee))
            .Should().ThrowAsync<ArgumentNullException>().WithParameterName("invitation");
    }

    [Fact]
    public async Task RevokeAsync_InviteeBound_RefusesLaterRedemption()
    {
        var redeemer = new InvitationRedeemer(_service, new InMemoryInvitationLedger(_time));
        var invitation = _service.Issue(TestKeys.InviteeBound());

        var revoked = await redeemer.RevokeAsync(invitation);

        revoked.IsValid.Should().BeTrue();
        (await redeemer.RedeemAsync(invitation, AsInvitee)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task RevokeAsync_ForgedToken_StoresNothing()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound());

        var result = await redeemer.RevokeAsync(new Invitation(TestKeys.OtherChannel, invitation.Token, invitation.Inviter, invitation.Invitee));

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RevokeAsync_Expired_StoresNothing()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var invitation = _service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromHours(1));

        (await redeemer.RevokeAsync(invitation)).Reason.Should().Be(InvitationFailureReason.Expired);
        ledger.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RevokeAsync_LedgerUnavailable_ReportsIt()
    {
        var redeemer = new InvitationRedeemer(_service, new RecordingLedger { Unavailable = true });

        (await redeemer.RevokeAsync(_service.Issue(TestKeys.InviteeBound()))).Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
    }

    [Fact]
    public async Task RevokeAsync_NoLedger_Throws()
    {
        var redeemer = new InvitationRedeemer(_service);

        await FluentActions.Awaiting(async () => await redeemer.RevokeAsync(_service.Issue(TestKeys.InviteeBound())))
            .Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(async () => await redeemer.RevokeTokenAsync("AAAA", default))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
    }

    [Fact]
    public async Task ReleaseAsync_LedgerUnavailable_ReturnsFalse()
    {
        var ledger = new RecordingLedger();
        var redeemer = new InvitationRedeemer(_service, ledger);
        var redeemed = await redeemer.RedeemAsync(_service.Issue(TestKeys.InviteeBound(maxUses: 1)), AsInvitee);
        ledger.Unavailable = true;

        (await redeemer.ReleaseAsync(redeemed.Claims)).Should().BeFalse();
    }

    [Fact]
    public async Task ReleaseAsync_NotUseLimitedOrNoLedger_DoesNothing()
    {
        var ledger = new RecordingLedger();
        var redeemed = await new InvitationRedeemer(_service, ledger).RedeemAsync(_service.Issue(TestKeys.InviteeBound()), AsInvitee);
        ledger.Calls.Clear();

        (await new InvitationRedeemer(_service, ledger).ReleaseAsync(redeemed.Claims)).Should().BeTrue();
        (await new InvitationRedeemer(_service).ReleaseAsync(redeemed.Claims)).Should().BeTrue();
        ledger.Calls.Should().BeEmpty();
        await FluentActions.Awaiting(async () => await new InvitationRedeemer(_service).ReleaseAsync(default))
            .Should().ThrowAsync<ArgumentException>().WithParameterName("claims");
    }

    [Fact]
    public async Task RedeemAsync_EveryOutcome_IsCountedInRedeemedMetric()
    {
        var counts = new Dictionary<string, long>();
        using var telemetry = new InvitationTelemetry(null, null);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == InvitationTelemetry.Name && instrument.Name == "mix.invitations.redeemed")
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
        var invitation = _service.Issue(TestKeys.InviteeBound(maxUses: 1));

        await redeemer.RedeemAsync(invitation, AsInvitee);
        await redeemer.RedeemAsync(invitation, AsInvitee);
        await redeemer.RedeemAsync(invitation, new InvitationContext(TestKeys.Stranger, TestKeys.Channel));

        counts.Should().Equal(new Dictionary<string, long>
        {
            ["None"] = 1,
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
        var bearer = provider.GetRequiredService<IInvitationIssuer>().Issue(new InvitationRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 });

        redeemer.Ledger.Should().BeOfType<InMemoryInvitationLedger>();
        (await redeemer.RedeemTokenAsync(bearer.Token, new InvitationContext(TestKeys.Stranger, TestKeys.Channel))).Reason.Should().Be(InvitationFailureReason.JoinerBanned);
        (await redeemer.RedeemTokenAsync(bearer.Token, new InvitationContext(TestKeys.Invitee, TestKeys.Channel))).IsValid.Should().BeTrue();
        (await redeemer.RedeemTokenAsync(bearer.Token, new InvitationContext(TestKeys.Invitee, TestKeys.Channel))).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
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

    /// <summary>A ledger that records what it was asked and says yes, or is unreachable.</summary>
    private sealed class RecordingLedger : IInvitationLedger
    {
        public List<(string Operation, InvitationTokenId Id, Jid Channel, int MaxUses, DateTimeOffset ExpiresAt)> Calls { get; } = [];

        public bool Unavailable { get; set; }

        public ValueTask<InvitationLedgerOutcome> TryConsumeAsync(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
        {
            Record("consume", tokenId, channel, maxUses, retainUntil);
            return ValueTask.FromResult(InvitationLedgerOutcome.Consumed);
        }

        public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
        {
            Record("revoke", tokenId, channel, 0, retainUntil);
            return ValueTask.CompletedTask;
        }

        public ValueTask ReleaseAsync(InvitationTokenId tokenId, Jid channel, CancellationToken cancellationToken = default)
        {
            Record("release", tokenId, channel, 0, default);
            return ValueTask.CompletedTask;
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
}
