using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Issuance;

/// <summary>
/// Every built-in issuance rule through <see cref="IInvitationIssuer.IssueAsync"/>: each allows its boundary value and
/// refuses one past it, with its reason and stanza error (rights: auth/forbidden; rates and capacity:
/// wait/resource-constraint with a retry-after). Defaults as documented in <see cref="InvitationIssuanceOptions"/>.
/// </summary>
public sealed class IssuanceRulesContractTests
{
    private static readonly Jid SecondInviter = Jid.Parse("witch@shakespeare.example");
    private static readonly Jid ThirdInviter = Jid.Parse("crone@shakespeare.example");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ----- rights -----

    [Theory]
    [InlineData(InvitationRoles.Other)]
    [InlineData(null)]
    [InlineData("moderator")]
    public async Task Role_OtherNoneOrUnknown_FollowsOthersRules_RefusedByDefault(string? role)
    {
        using var h = new Harness();
        var result = await h.IssueAsync(Request(role));
        ShouldBeForbidden(result, InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Fact]
    public async Task Role_Unknown_FollowsOthersRules_WhenOtherMayInvite()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Other] = new InvitationRoleOptions { MaxUses = 2 });
        (await h.IssueAsync(Request("moderator", maxUses: 2))).IsIssued.Should().BeTrue();
        ShouldBeForbidden(await h.IssueAsync(Request("moderator", maxUses: 3)), InvitationIssueRefusalReason.TooManyUses);
    }

    [Theory]
    [InlineData(InvitationRoles.Owner)]
    [InlineData(InvitationRoles.Administrator)]
    public async Task Role_ExemptByDefault_SkipsEveryRule(string role)
    {
        using var h = new Harness(o => o.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) });
        for (var i = 0; i < 5; i++)
        {
            var request = Request(role, BindingPolicies.UnboundName, lifetime: TimeSpan.FromDays(30), maxUses: 5_000, channelAllows: false, noInviter: true);
            (await h.IssueAsync(request)).IsIssued.Should().BeTrue($"issue {i + 1}: no rule applies to an exempt role");
        }

        h.Reservations.Calls.Should().BeEmpty("an exempt role reserves no bearer uses");
    }

    [Fact]
    public async Task ExemptRoles_Empty_ExemptsNoOne()
    {
        using var h = new Harness(o => o.ExemptRoles = []);
        ShouldBeForbidden(await h.IssueAsync(Request(InvitationRoles.Owner)), InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Fact]
    public async Task ExemptRoles_Configured_ExemptsThoseOnly()
    {
        using var h = new Harness(o => o.ExemptRoles = ["moderator"]);
        (await h.IssueAsync(Request("moderator", lifetime: TimeSpan.FromDays(30)))).IsIssued.Should().BeTrue();
        ShouldBeForbidden(await h.IssueAsync(Request(InvitationRoles.Owner)), InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(null, false)]
    public async Task Participant_ChannelSetting_DecidesWhetherTheyMayInvite(bool? channelAllows, bool issued)
    {
        using var h = new Harness();
        var result = await h.IssueAsync(Request(channelAllows: channelAllows));
        if (issued)
        {
            result.IsIssued.Should().BeTrue();
        }
        else
        {
            ShouldBeForbidden(result, InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations);
        }
    }

    [Fact]
    public async Task MayInvite_False_RefusesEvenWhenTheChannelAllows()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Participant].MayInvite = false);
        ShouldBeForbidden(await h.IssueAsync(Request()), InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Fact]
    public async Task AllowedPolicies_RefusesAPolicyNotListed()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Participant].AllowedPolicies = [BindingPolicies.InviteeBoundName]);
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
        ShouldBeForbidden(await h.IssueAsync(Request(policy: BindingPolicies.UnboundName)), InvitationIssueRefusalReason.PolicyNotAllowed);
        ShouldBeForbidden(await h.IssueAsync(Request(policy: BindingPolicies.InviterBoundName)), InvitationIssueRefusalReason.PolicyNotAllowed);
    }

    [Fact]
    public async Task MaxLifetime_AllowsTheCap_RefusesASecondMore()
    {
        using var h = new Harness();
        (await h.IssueAsync(Request(lifetime: TimeSpan.FromDays(7)))).IsIssued.Should().BeTrue();
        (await h.IssueAsync(Request(lifetime: null))).IsIssued.Should().BeTrue("the default lifetime, 7 days, is within the cap");
        ShouldBeForbidden(await h.IssueAsync(Request(lifetime: TimeSpan.FromDays(7).Add(TimeSpan.FromSeconds(1)))), InvitationIssueRefusalReason.LifetimeTooLong);
    }

    [Fact]
    public async Task MaxUses_AllowsTheCap_RefusesOneMore()
    {
        using var h = new Harness();
        (await h.IssueAsync(Request(maxUses: 10))).IsIssued.Should().BeTrue();
        ShouldBeForbidden(await h.IssueAsync(Request(maxUses: 11)), InvitationIssueRefusalReason.TooManyUses);
    }

    [Theory]
    [InlineData(BindingPolicies.UnboundName, false)]
    [InlineData(BindingPolicies.InviterBoundName, false)]
    [InlineData(BindingPolicies.InviteeBoundName, true)]
    public async Task MaxUses_WithACap_ABearerInvitationMustCarryALimit(string policy, bool issued)
    {
        using var h = new Harness();
        var result = await h.IssueAsync(Request(policy: policy, maxUses: null));
        if (issued)
        {
            result.IsIssued.Should().BeTrue("an invitee-bound invitation admits its invitee only, however often");
        }
        else
        {
            ShouldBeForbidden(result, InvitationIssueRefusalReason.TooManyUses);
        }
    }

    // ----- rates -----

    [Fact]
    public async Task InviterRate_TheLastPermitOfTheWindow_ThenRefusedWithRetryAfter_ThenTheNextWindowAtTheBoundary()
    {
        using var h = new Harness();
        h.Time.Advance(TimeSpan.FromMinutes(20));
        for (var i = 0; i < 9; i++)
        {
            (await h.IssueAsync(Request())).IsIssued.Should().BeTrue($"issue {i + 1} of 10");
        }

        h.Time.Advance(TimeSpan.FromMinutes(40) - TimeSpan.FromMilliseconds(1));
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue("the tenth, in the hour's last millisecond");
        var refused = await h.IssueAsync(Request());
        ShouldWait(refused, InvitationIssueRefusalReason.InviterRateExceeded, TimeSpan.FromMilliseconds(1));
        refused.StanzaError.Text.Should().Contain("Try again in 1 s.");

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue("at 01:00 exactly the next hour window begins");
    }

    [Fact]
    public async Task InviterRate_RetryAfter_IsTheTimeToTheWindowsEnd()
    {
        using var h = new Harness();
        for (var i = 0; i < 10; i++)
        {
            (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
        }

        h.Time.Advance(TimeSpan.FromMinutes(15));
        var refused = await h.IssueAsync(Request());
        ShouldWait(refused, InvitationIssueRefusalReason.InviterRateExceeded, TimeSpan.FromMinutes(45));
        refused.StanzaError.Text.Should().Contain("Try again in 2700 s.");
    }

    [Fact]
    public async Task InviterRate_IsPerInviterPerChannel()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Participant].InviterRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) });
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
        (await h.IssueAsync(Request())).Reason.Should().Be(InvitationIssueRefusalReason.InviterRateExceeded);
        (await h.IssueAsync(Request(inviter: SecondInviter))).IsIssued.Should().BeTrue("another inviter has a rate of their own");
        (await h.IssueAsync(Request(channel: TestKeys.OtherChannel))).IsIssued.Should().BeTrue("the same inviter in another channel too");
        (await h.IssueAsync(Request(inviter: Jid.Parse("hag66@shakespeare.example/broom")))).Reason
            .Should().Be(InvitationIssueRefusalReason.InviterRateExceeded, "the inviter is counted by bare JID");
    }

    [Fact]
    public async Task InviterRate_WithoutAnInviter_IsRefusedNotUncounted()
    {
        using var h = new Harness();
        ShouldBeForbidden(await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, noInviter: true)), InvitationIssueRefusalReason.InviterNotAllowed);
    }

    [Fact]
    public async Task ChannelRate_AllowsTheLimit_RefusesOneMoreWithRetryAfter()
    {
        using var h = new Harness(o => o.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) });
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
        (await h.IssueAsync(Request(inviter: SecondInviter))).IsIssued.Should().BeTrue();
        h.Time.Advance(TimeSpan.FromSeconds(20));
        ShouldWait(await h.IssueAsync(Request(inviter: ThirdInviter)), InvitationIssueRefusalReason.ChannelRateExceeded, TimeSpan.FromSeconds(40));
        (await h.IssueAsync(Request(channel: TestKeys.OtherChannel))).IsIssued.Should().BeTrue("another channel has a rate of its own");
    }

    [Fact]
    public async Task ChannelRate_AnInviterOverTheirOwnRate_SpendsNoneOfTheChannels()
    {
        using var h = new Harness(o =>
        {
            o.Roles[InvitationRoles.Participant].InviterRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromMinutes(1) };
            o.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 2, Window = TimeSpan.FromMinutes(1) };
        });
        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
        for (var i = 0; i < 5; i++)
        {
            (await h.IssueAsync(Request())).Reason.Should().Be(InvitationIssueRefusalReason.InviterRateExceeded);
        }

        (await h.IssueAsync(Request(inviter: SecondInviter))).IsIssued.Should().BeTrue("the refused inviter spent no channel permit");
        (await h.IssueAsync(Request(inviter: ThirdInviter))).Reason.Should().Be(InvitationIssueRefusalReason.ChannelRateExceeded);
    }

    [Fact]
    public async Task Rates_ARequestRefusedForItsRights_SpendsNoPermit()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Participant].InviterRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) });
        for (var i = 0; i < 3; i++)
        {
            (await h.IssueAsync(Request(maxUses: 11))).Reason.Should().Be(InvitationIssueRefusalReason.TooManyUses);
        }

        (await h.IssueAsync(Request())).IsIssued.Should().BeTrue();
    }

    [Fact]
    public async Task Rates_Concurrently_IssueExactlyThePermitLimit()
    {
        using var h = new Harness();
        using var gate = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            gate.Wait(Ct);
            return await h.IssueAsync(Request());
        }, Ct)).ToArray();
        gate.Set();
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.IsIssued).Should().Be(10);
        results.Where(r => !r.IsIssued).Should().OnlyContain(r => r.Reason == InvitationIssueRefusalReason.InviterRateExceeded);
    }

    [Fact]
    public async Task Limiter_Unavailable_RefusesFailClosed()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var options = TestKeys.Options();
        var service = InvitationService.Create(options, time, issuancePolicies: InvitationIssuanceRules.Create(options, new UnavailableLimiter(), new FakeUseReservations(time)));

        var result = await service.IssueAsync(Request(), Ct);

        result.Reason.Should().Be(InvitationIssueRefusalReason.LimiterUnavailable);
        result.RetryAfter.Should().BeNull();
        result.StanzaError.Type.Should().Be("wait");
        result.StanzaError.Condition.Should().Be("resource-constraint");
    }

    [Fact]
    public async Task Rates_Partitions_HoldNoJidInClear()
    {
        var limiter = new RecordingLimiter();
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var options = TestKeys.Options();
        var service = InvitationService.Create(options, time, issuancePolicies: InvitationIssuanceRules.Create(options, limiter, new FakeUseReservations(time)));

        (await service.IssueAsync(Request(), Ct)).IsIssued.Should().BeTrue();

        limiter.Partitions.Should().HaveCount(2);
        limiter.Partitions[0].Should().MatchRegex("^inviter:[A-Za-z0-9_-]{22}$");
        limiter.Partitions[1].Should().MatchRegex("^channel:[A-Za-z0-9_-]{22}$");
        limiter.Partitions.Should().NotContain(p => p.Contains("coven", StringComparison.Ordinal) || p.Contains("hag66", StringComparison.Ordinal));
    }

    // ----- outstanding bearer uses -----

    [Fact]
    public async Task OutstandingBearerUses_AllowsTheCapacity_RefusesOneMoreWithTheEarliestExpiry()
    {
        using var h = new Harness(o => o.MaxOutstandingBearerUses = 20);
        (await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, maxUses: 10, lifetime: TimeSpan.FromDays(2)))).IsIssued.Should().BeTrue();
        (await h.IssueAsync(Request(policy: BindingPolicies.InviterBoundName, maxUses: 10))).IsIssued.Should().BeTrue("20 uses, the capacity");
        h.Time.Advance(TimeSpan.FromHours(1));

        var refused = await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, maxUses: 1));

        ShouldWait(refused, InvitationIssueRefusalReason.OutstandingUsesExceeded, TimeSpan.FromDays(2) - TimeSpan.FromHours(1));
        h.Reservations.Calls[0].Should().Be((TestKeys.Channel, 10, 20, TestKeys.Epoch.AddDays(2)), "a reservation lasts until the invitation expires");
    }

    [Fact]
    public async Task OutstandingBearerUses_CountsOnlyUseLimitedBearerInvitations()
    {
        using var h = new Harness(o => o.MaxOutstandingBearerUses = 1);
        (await h.IssueAsync(Request(policy: BindingPolicies.InviteeBoundName, maxUses: 10))).IsIssued.Should().BeTrue();
        h.Reservations.Calls.Should().BeEmpty("an invitee-bound invitation is no bearer one");
    }

    [Fact]
    public async Task OutstandingBearerUses_StoreUnavailable_RefusesFailClosed()
    {
        using var h = new Harness();
        h.Reservations.Unavailable = true;
        var result = await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, maxUses: 1));
        result.Reason.Should().Be(InvitationIssueRefusalReason.LimiterUnavailable);
    }

    [Fact]
    public async Task OutstandingBearerUses_ARateRefusal_ReservesNothing()
    {
        using var h = new Harness(o => o.Roles[InvitationRoles.Participant].InviterRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1) });
        (await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, maxUses: 1))).IsIssued.Should().BeTrue();
        (await h.IssueAsync(Request(policy: BindingPolicies.UnboundName, maxUses: 1))).Reason.Should().Be(InvitationIssueRefusalReason.InviterRateExceeded);
        h.Reservations.Calls.Should().HaveCount(1);
    }

    [Fact]
    public void Create_CapWithoutReservations_ThrowsNamingTheSetting()
    {
        var options = TestKeys.Options();
        var create = () => InvitationIssuanceRules.Create(options, new RecordingLimiter());
        create.Should().Throw<InvalidOperationException>().WithMessage("MixInvitations:Issuance:MaxOutstandingBearerUses is 1000, but no store keeps use reservations*");

        options.Issuance.MaxOutstandingBearerUses = null;
        InvitationIssuanceRules.Create(options, new RecordingLimiter()).Should().HaveCount(3);
    }

    [Fact]
    public void Create_ReturnsTheRulesInTheirFixedOrder()
    {
        var rules = InvitationIssuanceRules.Create(TestKeys.Options(), new RecordingLimiter(), new FakeUseReservations(TimeProvider.System));
        rules.Select(r => r.GetType().Name).Should().Equal("IssuanceRightsRule", "IssuanceRateRule", "OutstandingBearerUsesRule");
    }

    [Fact]
    public async Task Options_ChangedAfterCreate_ApplyToTheNextIssue()
    {
        using var h = new Harness();
        (await h.IssueAsync(Request(maxUses: 10))).IsIssued.Should().BeTrue();
        h.Options.Issuance.Roles[InvitationRoles.Participant].MaxUses = 5;
        (await h.IssueAsync(Request(maxUses: 10))).Reason.Should().Be(InvitationIssueRefusalReason.TooManyUses);
    }

    // ----- telemetry -----

    [Fact]
    public async Task Refusal_IsCountedWithReasonAndRole_AndLoggedAsEvent9WithoutJidOrToken()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var telemetry = new InvitationTelemetry(factory, loggerFactory);
        using var refused = new MetricCollector<long>(factory, InvitationTelemetry.Name, "mix.invitations.issue_refused");
        using var h = new Harness(telemetry: telemetry);

        var issued = (await h.IssueAsync(Request())).Issued;
        ShouldBeForbidden(await h.IssueAsync(Request(maxUses: 11)), InvitationIssueRefusalReason.TooManyUses);
        ShouldBeForbidden(await h.IssueAsync(Request(role: null)), InvitationIssueRefusalReason.InviterNotAllowed);

        var measurements = refused.GetMeasurementSnapshot();
        measurements.Should().HaveCount(2);
        measurements[0].Tags.Should().Contain(new KeyValuePair<string, object?>("reason", "TooManyUses")).And.Contain(new KeyValuePair<string, object?>("role", "participant"));
        measurements[1].Tags.Should().Contain(new KeyValuePair<string, object?>("reason", "InviterNotAllowed")).And.Contain(new KeyValuePair<string, object?>("role", "other"));

        var events = logs.Logs.Where(l => l.EventId.Id == 9).ToList();
        events.Should().HaveCount(2);
        events.Should().OnlyContain(l => l.EventId.Name == "IssueRefused");
        foreach (var log in events)
        {
            foreach (var secret in new[] { issued.Token, TestKeys.Channel.ToString(), TestKeys.Inviter.ToString(), TestKeys.Invitee.ToString(), "coven", "hag66" })
            {
                log.AllText.Should().NotContain(secret);
            }
        }
    }

    // ----- helpers -----

    private static InvitationIssueRequest Request(
        string? role = InvitationRoles.Participant,
        string policy = BindingPolicies.InviteeBoundName,
        TimeSpan? lifetime = null,
        int? maxUses = 1,
        bool? channelAllows = true,
        Jid? inviter = null,
        Jid? channel = null,
        bool noInviter = false) => new()
        {
            Channel = channel ?? TestKeys.Channel,
            Inviter = noInviter ? null : inviter ?? TestKeys.Inviter,
            Invitee = policy == BindingPolicies.InviteeBoundName ? TestKeys.Invitee : null,
            Policy = policy,
            Lifetime = lifetime,
            MaxUses = maxUses,
            InviterRole = role,
            ChannelAllowsParticipantInvitations = channelAllows,
        };

    private static void ShouldBeForbidden(InvitationIssueResult result, InvitationIssueRefusalReason reason)
    {
        result.IsIssued.Should().BeFalse();
        result.Reason.Should().Be(reason);
        result.RetryAfter.Should().BeNull();
        result.StanzaError.Type.Should().Be("auth");
        result.StanzaError.Condition.Should().Be("forbidden");
    }

    private static void ShouldWait(InvitationIssueResult result, InvitationIssueRefusalReason reason, TimeSpan retryAfter)
    {
        result.IsIssued.Should().BeFalse();
        result.Reason.Should().Be(reason);
        result.RetryAfter.Should().Be(retryAfter);
        result.StanzaError.Type.Should().Be("wait");
        result.StanzaError.Condition.Should().Be("resource-constraint");
    }

    /// <summary>A service with the built-in rules, the in-memory limiter and fake reservations, on a fake clock at midnight.</summary>
    private sealed class Harness : IDisposable
    {
        private readonly InMemoryIssuanceLimiter _limiter;

        public Harness(Action<InvitationIssuanceOptions>? configure = null, InvitationTelemetry? telemetry = null)
        {
            Time = new FakeTimeProvider(TestKeys.Epoch);
            Options = TestKeys.Options(o => configure?.Invoke(o.Issuance));
            _limiter = new InMemoryIssuanceLimiter(Time);
            Reservations = new FakeUseReservations(Time);
            Service = InvitationService.Create(Options, Time, telemetry: telemetry, issuancePolicies: InvitationIssuanceRules.Create(Options, _limiter, Reservations));
        }

        public FakeTimeProvider Time { get; }

        public MixInvitationOptions Options { get; }

        public FakeUseReservations Reservations { get; }

        public InvitationService Service { get; }

        public async Task<InvitationIssueResult> IssueAsync(InvitationIssueRequest request) => await Service.IssueAsync(request, Ct);

        public void Dispose() => _limiter.Dispose();
    }

    private sealed class UnavailableLimiter : IInvitationIssuanceLimiter
    {
        public ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken) =>
            new(InvitationLimitResult.Unavailable);
    }

    private sealed class RecordingLimiter : IInvitationIssuanceLimiter
    {
        public List<string> Partitions { get; } = [];

        public ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken)
        {
            Partitions.Add(partition);
            return new(InvitationLimitResult.Acquired);
        }
    }
}
