using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Telemetry;

public partial class InvitationTelemetryTests
{
    /// <summary>What the redeemer reports for a result: its reason, and the policy and key id once the tag verified.</summary>
    private static void Redeemed(InvitationTelemetry telemetry, in InvitationValidationResult result) =>
        telemetry.Redeemed(result.Reason, result.Claims.Policy, result.Claims.KeyId);

    private static readonly string[] InstrumentNames = ["mix.invitations.issued", "mix.invitations.validated", "mix.invitations.redeemed"];

    [Fact]
    public void Instruments_ThroughTheContainersMeterFactory_AreLowercaseDottedWithUnitAndDescription()
    {
        using var host = TestHost.Start();
        var factory = host.Provider.GetRequiredService<IMeterFactory>();
        _ = host.Telemetry; // the meter is created with the telemetry singleton

        foreach (var name in InstrumentNames)
        {
            using var collector = new MetricCollector<long>(factory, InvitationTelemetry.Name, name);
            collector.Instrument.Should().NotBeNull(name);
            var instrument = collector.Instrument!;
            instrument.Name.Should().MatchRegex(LowercaseDotted());
            instrument.Unit.Should().Be("{invitation}");
            instrument.Description.Should().NotBeNullOrWhiteSpace();
            instrument.Meter.Name.Should().Be("Mix.Invitations");
            instrument.Meter.Scope.Should().BeSameAs(factory, "the meter comes from the container's IMeterFactory");
        }
    }

    [Fact]
    public void Issue_Counted_WithPolicyTag()
    {
        using var host = TestHost.Start();
        using var issued = host.Collect("mix.invitations.issued");

        host.Service.Issue(TestKeys.InviteeBound());
        host.Service.Issue(TestKeys.InviteeBound());
        host.Service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName });

        var measurements = issued.GetMeasurementSnapshot();
        measurements.EvaluateAsCounter().Should().Be(3);
        measurements.ContainsTags("policy").Should().HaveCount(3);
        measurements.Where(m => m.MatchesTags(new KeyValuePair<string, object?>("policy", "invitee-bound"))).Sum(m => m.Value).Should().Be(2);
        measurements.Where(m => m.MatchesTags(new KeyValuePair<string, object?>("policy", "unbound"))).Sum(m => m.Value).Should().Be(1);
    }

    [Fact]
    public void Validate_Counted_WithOutcomeAndReasonTags()
    {
        using var host = TestHost.Start();
        using var validated = host.Collect("mix.invitations.validated");
        var invitation = host.Service.Issue(TestKeys.InviteeBound()).Invitation;

        host.Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue();
        host.Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
        host.Service.Check(invitation.WithToken(Tamper(invitation.Token)), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.BadSignature);
        host.Service.CheckToken("not a token", new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.Malformed);

        var measurements = validated.GetMeasurementSnapshot();
        measurements.EvaluateAsCounter().Should().Be(4);
        Count(measurements, "valid", "None").Should().Be(1);
        Count(measurements, "refused", "InviteeMismatch").Should().Be(1);
        Count(measurements, "refused", "BadSignature").Should().Be(1);
        Count(measurements, "refused", "Malformed").Should().Be(1);
    }

    [Fact]
    public void Redeemed_Counted_WithOutcomeAndReasonTags()
    {
        using var host = TestHost.Start();
        using var redeemed = host.Collect("mix.invitations.redeemed");
        var invitation = host.Service.Issue(TestKeys.InviteeBound()).Invitation;
        var result = host.Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee });

        Redeemed(host.Telemetry, result);
        Redeemed(host.Telemetry, InvitationValidationResult.Failure(InvitationFailureReason.UsesExhausted, result.Claims));

        var measurements = redeemed.GetMeasurementSnapshot();
        Count(measurements, "valid", "None").Should().Be(1);
        Count(measurements, "refused", "UsesExhausted").Should().Be(1);
    }

    [Fact]
    public void FullRun_Logs_HoldNeitherTokenNorTokenIdNorSecret()
    {
        using var host = TestHost.Start();
        var tokens = new List<string>();
        var tokenIds = new List<string>();
        void Validate(Invitation invitation, Jid joiner)
        {
            tokens.Add(invitation.Token);
            var result = host.Service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = joiner });
            if (!result.Claims.TokenId.Equals(default(InvitationTokenId)))
            {
                tokenIds.Add(result.Claims.TokenId.ToString());
            }
        }

        var inviteeBound = host.Service.Issue(TestKeys.InviteeBound(maxUses: 3)).Invitation;
        var bearer = host.Service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName }).Invitation;
        Validate(inviteeBound, TestKeys.Invitee);                       // valid
        Validate(inviteeBound, TestKeys.Stranger);                      // refused: InviteeMismatch, key id known
        Validate(inviteeBound.WithToken(Tamper(inviteeBound.Token)), TestKeys.Invitee); // refused: BadSignature
        Validate(bearer, TestKeys.Stranger);                            // valid
        Redeemed(host.Telemetry, host.Service.Check(inviteeBound, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }));
        host.Clock.Advance(TimeSpan.FromDays(8));
        Validate(inviteeBound, TestKeys.Invitee);                       // refused: Expired
        host.Rotate();                                                  // event 5, reload
        host.Telemetry.LedgerUnavailable("redis", new TimeoutException("Timeout performing EVALSHA"));

        var logs = host.Logs.Logs.Where(l => l.Category == InvitationTelemetry.Name).ToList();
        logs.Should().Contain(l => l.EventId.Id == 1 && l.EventId.Name == "InvitationIssued" && l.Level == LogLevel.Debug);
        logs.Should().Contain(l => l.EventId.Id == 2 && l.EventId.Name == "InvitationRefused" && l.Level == LogLevel.Debug && l.Message == "Invitation refused: InviteeMismatch (key 1)");
        logs.Should().Contain(l => l.EventId.Id == 8 && l.EventId.Name == "InvitationRefusedUnverified" && l.Level == LogLevel.Debug && l.Message == "Invitation refused before its signature verified: BadSignature", "before the tag verifies not even the key id is reported");
        logs.Should().Contain(l => l.EventId.Id == 2 && l.Message == "Invitation refused: Expired (key 1)");
        logs.Should().Contain(l => l.EventId.Id == 3 && l.EventId.Name == "InvitationRedeemed" && l.Level == LogLevel.Debug);
        logs.Should().Contain(l => l.EventId.Id == 5 && l.EventId.Name == "KeyRingReloaded" && l.Level == LogLevel.Information);
        logs.Should().Contain(l => l.EventId.Id == 7 && l.EventId.Name == "LedgerUnavailable" && l.Level == LogLevel.Warning);
        logs.Where(l => l.EventId.Id is 2 or 8).SelectMany(l => l.Values).Select(v => v.Key).Distinct()
            .Should().BeSubsetOf(["Reason", "KeyId", "{OriginalFormat}"], "a refusal carries the reason and key id only");

        var forbidden = tokens.Concat(tokenIds).Concat(Secrets()).ToList();
        forbidden.Should().HaveCountGreaterThan(8);
        foreach (var log in logs)
        {
            foreach (var value in forbidden)
            {
                log.AllText.Should().NotContain(value, $"event {log.EventId} must not carry a token, a token id or a secret");
            }
        }
    }

    [Fact]
    public void Dispose_MeterFromAFactory_LeavesItToTheFactory()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var telemetry = new InvitationTelemetry(factory, null);
        using var issued = new MetricCollector<long>(factory, InvitationTelemetry.Name, "mix.invitations.issued");

        telemetry.Dispose();
        telemetry.Issued(BindingPolicies.UnboundName);

        issued.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1, "the factory owns the meter, so it still publishes");
    }

    private static IEnumerable<string> Secrets()
    {
        foreach (var secret in new[] { TestKeys.Secret0, TestKeys.Secret1 })
        {
            yield return secret;
            yield return secret.TrimEnd('=')[..16];
            yield return Convert.ToHexString(Convert.FromBase64String(secret))[..16];
            yield return Convert.ToHexString(Convert.FromBase64String(secret)).ToLowerInvariant()[..16];
        }
    }

    private static long Count(IReadOnlyList<CollectedMeasurement<long>> measurements, string outcome, string reason) =>
        measurements.Where(m => m.MatchesTags(new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason))).Sum(m => m.Value);

    private static string Tamper(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

    [GeneratedRegex("^[a-z]+(\\.[a-z_]+)+$")]
    private static partial Regex LowercaseDotted();

    /// <summary>A host-less container with the library, metrics, capturing logs, a fake clock and reloadable configuration.</summary>
    private sealed class TestHost : IDisposable
    {
        private readonly IConfigurationRoot _configuration;

        private TestHost(ServiceProvider provider, IConfigurationRoot configuration, CapturingLoggerProvider logs, FakeTimeProvider clock)
        {
            Provider = provider;
            _configuration = configuration;
            Logs = logs;
            Clock = clock;
        }

        public ServiceProvider Provider { get; }

        public CapturingLoggerProvider Logs { get; }

        public FakeTimeProvider Clock { get; }

        public InvitationService Service => Provider.GetRequiredService<InvitationService>();

        public InvitationTelemetry Telemetry => Provider.GetRequiredService<InvitationTelemetry>();

        public static TestHost Start()
        {
            var clock = new FakeTimeProvider(TestKeys.Epoch);
            var logs = new CapturingLoggerProvider();
            var configuration = TestKeys.Configuration();
            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<IConfiguration>(configuration);
            services.AddMetrics();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            services.AddMixInvitations();
            var provider = services.BuildServiceProvider();
            provider.GetRequiredService<IStartupValidator>().Validate();
            return new TestHost(provider, configuration, logs, clock);
        }

        public MetricCollector<long> Collect(string instrument) =>
            new(Provider.GetRequiredService<IMeterFactory>(), InvitationTelemetry.Name, instrument);

        /// <summary>Adds key 2, which signs from now on.</summary>
        public void Rotate()
        {
            var memory = _configuration.Providers.OfType<MemoryConfigurationProvider>().Single();
            memory.Set("MixInvitations:Keys:1:Id", "2");
            memory.Set("MixInvitations:Keys:1:Secret", TestKeys.Secret1);
            memory.Set("MixInvitations:Keys:1:ActiveFrom", Clock.GetUtcNow().ToString("O"));
            _configuration.Reload();
        }

        public void Dispose() => Provider.Dispose();
    }
}
