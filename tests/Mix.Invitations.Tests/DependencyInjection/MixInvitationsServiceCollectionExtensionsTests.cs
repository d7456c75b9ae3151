using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.DependencyInjection;

public class MixInvitationsServiceCollectionExtensionsTests
{
    private const string AppSettings = $$"""
        {
          "MixInvitations": {
            "Keys": [
              { "Id": 3, "Secret": "{{TestKeys.Secret0}}", "SignUntil": "2026-01-01T12:00:00Z", "VerifyUntil": "2026-03-01T00:00:00Z" },
              { "Id": 4, "Secret": "{{TestKeys.Secret1}}", "ActiveFrom": "2026-01-01T00:00:00Z" }
            ],
            "DefaultLifetime": "2.00:00:00",
            "MaxLifetime": "14.00:00:00",
            "ExpiryTolerance": "00:00:10",
            "IssuedAtTolerance": "00:01:00",
            "LedgerRetentionMargin": "00:02:00",
            "EnabledPolicies": [ "invitee-bound", "unbound" ],
            "DefaultPolicy": "unbound",
            "ChannelKeyCacheSize": 500,
            "ChannelKeyCacheLifetime": "00:10:00",
            "MaxXmlInputSize": 4096,
            "LandingLinkBase": "https://join.example/i/"
          }
        }
        """;

    [Fact]
    public void AddMixInvitations_RootConfigurationRegistered_BindsTheMixInvitationsSectionOfAppSettingsJson()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = NewServices();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        AssertAppSettingsBound(provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value);
        var service = provider.GetRequiredService<InvitationService>();
        service.IsPolicyEnabled(BindingPolicies.InviterBoundName).Should().BeFalse();
        var invitation = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel }).Invitation;
        var claims = service.CheckToken(invitation.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }).Claims;
        claims.KeyId.Should().Be(4, "the newest active key signs");
        claims.Policy.Should().Be(BindingPolicies.UnboundName);
        (claims.ExpiresAt - claims.IssuedAt).Should().Be(TimeSpan.FromDays(2));
    }

    [Fact]
    public void AddMixInvitations_Section_BindsIt()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = NewServices();

        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        AssertAppSettingsBound(provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value);
    }

    [Fact]
    public void AddMixInvitations_SectionAndRootConfigurationBothRegistered_BindsTheKeysOnce()
    {
        // What a host does: the root configuration is always in the container, and the app passes the section too.
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = NewServices();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value.Keys.Select(k => k.Id).Should().Equal(3, 4);
    }

    [Fact]
    public void AddMixInvitations_EnvironmentVariables_BindDoubleUnderscoreKeys()
    {
        var prefix = $"MIXTEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            [$"{prefix}MixInvitations__Keys__0__Id"] = "7",
            [$"{prefix}MixInvitations__Keys__0__Secret"] = TestKeys.Secret1,
            [$"{prefix}MixInvitations__DefaultLifetime"] = "02:00:00",
            [$"{prefix}MixInvitations__EnabledPolicies__0"] = "invitee-bound",
        };
        try
        {
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var services = NewServices();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddMixInvitations();
            using var provider = services.BuildServiceProvider();

            provider.GetRequiredService<IStartupValidator>().Validate();
            var options = provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
            options.Keys.Should().ContainSingle().Which.Id.Should().Be(7);
            options.DefaultLifetime.Should().Be(TimeSpan.FromHours(2));
            options.EnabledPolicies.Should().Equal(BindingPolicies.InviteeBoundName);
            var service = provider.GetRequiredService<InvitationService>();
            var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;
            service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Claims.KeyId.Should().Be(7);
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    [Fact]
    public void AddMixInvitations_CalledTwice_RegistersOnceAndAppliesBothConfigureActions()
    {
        var services = NewServices();

        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        services.AddMixInvitations(o => o.ExpiryTolerance = TimeSpan.FromSeconds(5));
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();

        services.Count(d => d.ServiceType == typeof(InvitationService)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IInvitationIssuer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IInvitationValidator)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(InvitationTelemetry)).Should().Be(1);
        provider.GetServices<IValidateOptions<MixInvitationOptions>>().Should().HaveCount(2);
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
        options.Keys.Should().ContainSingle();
        options.ExpiryTolerance.Should().Be(TimeSpan.FromSeconds(5));
        var service = provider.GetRequiredService<InvitationService>();
        provider.GetRequiredService<IInvitationIssuer>().Should().BeSameAs(service);
        provider.GetRequiredService<IInvitationValidator>().Should().BeSameAs(service);
    }

    [Fact]
    public void AddMixInvitations_ConfigurationAndCode_CodeOverridesConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = NewServices();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddMixInvitations(o => o.DefaultLifetime = TimeSpan.FromHours(1));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
        options.DefaultLifetime.Should().Be(TimeSpan.FromHours(1));
        options.MaxLifetime.Should().Be(TimeSpan.FromDays(14));
    }

    [Fact]
    public void AddMixInvitations_RootSectionThenAnotherSection_BindsOnlyTheSectionPassed()
    {
        // The root binding registered by the first call is replaced, not added to: both would bind keys 3 and 4 too.
        var configuration = AppSettingsWith(("Invitations:Keys:0:Id", "9"), ("Invitations:Keys:0:Secret", TestKeys.Secret1));
        var services = NewServices();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddMixInvitations();
        services.AddMixInvitations(configuration.GetSection("Invitations"));
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value.Keys.Select(k => k.Id).Should().Equal(9);
        provider.GetServices<IOptionsChangeTokenSource<MixInvitationOptions>>().Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddMixInvitations_SameSectionPassedTwice_BindsItOnce(bool otherCase)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var section = configuration.GetSection(MixInvitationOptions.SectionName);
        var services = NewServices();

        services.AddMixInvitations(section);
        services.AddMixInvitations(otherCase ? configuration.GetSection("mixinvitations") : section);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value.Keys.Select(k => k.Id).Should().Equal(3, 4);
        provider.GetServices<IOptionsChangeTokenSource<MixInvitationOptions>>().Should().ContainSingle();
    }

    [Fact]
    public void AddMixInvitations_SectionAfterCode_CodeStillOverridesConfiguration()
    {
        // A library configures in code first, the host passes its section afterwards: binding still runs first.
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings))).Build();
        var services = NewServices();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddMixInvitations(o => o.DefaultLifetime = TimeSpan.FromHours(1));
        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
        options.DefaultLifetime.Should().Be(TimeSpan.FromHours(1));
        options.MaxLifetime.Should().Be(TimeSpan.FromDays(14));
        options.Keys.Select(k => k.Id).Should().Equal(3, 4);
    }

    [Fact]
    public void AddMixInvitations_TwoSectionsOfOneConfiguration_BindsBothAndWatchesTheConfigurationOnce()
    {
        var configuration = AppSettingsWith(("InvitationLimits:DefaultLifetime", "03:00:00"));
        var services = NewServices();

        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        services.AddMixInvitations(configuration.GetSection("InvitationLimits"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
        options.Keys.Select(k => k.Id).Should().Equal(3, 4);
        options.DefaultLifetime.Should().Be(TimeSpan.FromHours(3));
        provider.GetServices<IOptionsChangeTokenSource<MixInvitationOptions>>().Should().ContainSingle("one change source per configuration, or each reload would rebuild the options once per section");
    }

    [Fact]
    public void AddMixInvitations_NoConfigurationRegistered_BindsNothingAndWatchesNothing()
    {
        var services = NewServices();

        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        provider.GetServices<IOptionsChangeTokenSource<MixInvitationOptions>>().Should().BeEmpty();
        provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value.Keys.Should().ContainSingle();
    }

    [Fact]
    public void AddMixInvitations_TimeProviderRegistered_ServiceUsesIt()
    {
        var clock = new FakeTimeProvider(TestKeys.Epoch.AddHours(5));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        using var provider = services.BuildServiceProvider();

        var service = provider.GetRequiredService<InvitationService>();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        service.TimeProvider.Should().BeSameAs(clock);
        service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Claims.IssuedAt.Should().Be(TestKeys.Epoch.AddHours(5));
    }

    [Fact]
    public void AddMixInvitations_NoTimeProviderRegistered_UsesTheSystemClock()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<InvitationService>().TimeProvider.Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public void Reload_NewKeyAdded_NewKeySignsAndOldKeyVerifiesUntilItsVerifyUntil()
    {
        var clock = new FakeTimeProvider(TestKeys.Epoch);
        var configuration = TestKeys.Configuration();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var service = provider.GetRequiredService<InvitationService>();
        var before = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromDays(30))).Invitation;
        var joining = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

        // Rotate: key 2 signs from now; key 1 stops signing now and verifies for ten more days.
        var memory = configuration.Providers.OfType<MemoryConfigurationProvider>().Single();
        memory.Set("MixInvitations:Keys:0:SignUntil", "2026-01-01T00:00:00Z");
        memory.Set("MixInvitations:Keys:0:VerifyUntil", "2026-01-11T00:00:00Z");
        memory.Set("MixInvitations:Keys:1:Id", "2");
        memory.Set("MixInvitations:Keys:1:Secret", TestKeys.Secret1);
        memory.Set("MixInvitations:Keys:1:ActiveFrom", "2026-01-01T00:00:00Z");
        configuration.Reload();

        var after = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromDays(30))).Invitation;
        service.Check(after, joining).Claims.KeyId.Should().Be(2);
        service.Check(before, joining).Should().Match<InvitationValidationResult>(r => r.IsValid && r.Claims.KeyId == 1);

        clock.SetUtcNow(new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero).AddSeconds(-1));
        service.Check(before, joining).IsValid.Should().BeTrue("key 1 verifies until its VerifyUntil");

        clock.SetUtcNow(new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero));
        service.Check(before, joining).Reason.Should().Be(InvitationFailureReason.UnknownKey);
        service.Check(after, joining).IsValid.Should().BeTrue();
    }

    [Fact]
    public void Reload_InvalidChange_IsRefusedAndThePreviousKeyRingStaysInForce()
    {
        var (provider, configuration, memory) = ReloadableHost();
        using var disposeProvider = provider;
        var service = provider.GetRequiredService<InvitationService>();

        memory.Set("MixInvitations:Keys:1:Id", "2");
        memory.Set("MixInvitations:Keys:1:Secret", "c2hvcnQ=");
        var reload = configuration.Reload;

        // The options monitor validates the new value and throws on the thread that reloaded; the service never sees it.
        reload.Should().Throw<Exception>().Which.ToString().Should().Contain("Keys[1] (id 2): Secret is 5 bytes").And.NotContain("c2hvcnQ");
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;
        service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Claims.KeyId.Should().Be(1);
    }

    [Fact]
    public void Reload_InvalidChange_IsLoggedAsKeyRingReloadFailedWithoutTheSecret()
    {
        var logs = new CapturingLoggerProvider();
        var (provider, configuration, memory) = ReloadableHost(logs);
        using var disposeProvider = provider;
        var service = provider.GetRequiredService<InvitationService>();

        memory.Set("MixInvitations:Keys:1:Id", "2");
        memory.Set("MixInvitations:Keys:1:Secret", "c2hvcnQ=");
        var reload = configuration.Reload;
        reload.Should().Throw<Exception>(); // the options monitor's own report, on the reloading thread

        var failed = logs.Logs.Where(l => l.EventId.Id == 6).ToList();
        failed.Should().ContainSingle().Which.Should().Match<CapturedLog>(l =>
            l.EventId.Name == "KeyRingReloadFailed" && l.Level == LogLevel.Error && l.AllText.Contains("Keys[1] (id 2): Secret is 5 bytes"));
        logs.Logs.Should().NotContain(l => l.AllText.Contains("c2hvcnQ"));
        service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Claims.KeyId.Should().Be(1);

        // A valid change afterwards is taken, and logged as a reload, not a failure.
        memory.Set("MixInvitations:Keys:1:Secret", TestKeys.Secret1);
        configuration.Reload();
        logs.Logs.Count(l => l.EventId.Id == 6).Should().Be(1);
        logs.Logs.Should().Contain(l => l.EventId.Id == 5);
    }

    [Fact]
    public void Reload_ValueOfTheWrongFormat_IsLoggedWithoutQuotingIt()
    {
        var logs = new CapturingLoggerProvider();
        var (provider, configuration, memory) = ReloadableHost(logs);
        using var disposeProvider = provider;
        provider.GetRequiredService<InvitationService>();

        memory.Set("MixInvitations:Keys:0:SignUntil", "not-a-date-zq9");
        var reload = configuration.Reload;
        reload.Should().Throw<Exception>();

        logs.Logs.Where(l => l.EventId.Id == 6).Should().ContainSingle().Which.AllText
            .Should().Contain("'MixInvitations:Keys:0:SignUntil' cannot be converted to System.DateTimeOffset").And.NotContain("zq9");
    }

    [Fact]
    public void Reload_OfASectionPassedIn_SwapsTheKeyRing()
    {
        var logs = new CapturingLoggerProvider();
        var configuration = TestKeys.Configuration();
        var services = NewServices();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddMixInvitations(configuration.GetSection(MixInvitationOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var service = provider.GetRequiredService<InvitationService>();
        var joining = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, joining).Claims.KeyId.Should().Be(1);

        var memory = configuration.Providers.OfType<MemoryConfigurationProvider>().Single();
        memory.Set("MixInvitations:Keys:1:Id", "2");
        memory.Set("MixInvitations:Keys:1:Secret", TestKeys.Secret1);
        memory.Set("MixInvitations:Keys:1:ActiveFrom", TestKeys.Epoch.ToString("O"));
        configuration.Reload();

        service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, joining).Claims.KeyId.Should().Be(2);
        logs.Logs.Where(l => l.EventId.Id == 5).Should().ContainSingle().Which.AllText.Should().Contain("2 keys");
    }

    [Fact]
    public void Reload_FailingTwice_IsLoggedOncePerReloadHoweverOftenTheOptionsAreRead()
    {
        var logs = new CapturingLoggerProvider();
        var (provider, configuration, memory) = ReloadableHost(logs);
        using var disposeProvider = provider;
        var service = provider.GetRequiredService<InvitationService>();
        var monitor = provider.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>();

        memory.Set("MixInvitations:Keys:0:Secret", "c2hvcnQ=");
        FluentActions.Invoking(configuration.Reload).Should().Throw<Exception>();
        for (var i = 0; i < 3; i++)
        {
            FluentActions.Invoking(() => monitor.CurrentValue).Should().Throw<OptionsValidationException>("the monitor keeps the failed build until the next change");
            using var scope = provider.CreateScope();
            FluentActions.Invoking(() => scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<MixInvitationOptions>>().Value).Should().Throw<OptionsValidationException>();
        }

        logs.Logs.Count(l => l.EventId.Id == 6).Should().Be(1, "reading the options again is not another reload");

        memory.Set("MixInvitations:DefaultLifetime", "-1.00:00:00");
        FluentActions.Invoking(configuration.Reload).Should().Throw<Exception>();
        logs.Logs.Where(l => l.EventId.Id == 6).Select(l => l.AllText).Should().SatisfyRespectively(
            first => first.Should().Contain("Keys[0] (id 1): Secret is 5 bytes"),
            second => second.Should().Contain("DefaultLifetime"));
        logs.Logs.Should().NotContain(l => l.AllText.Contains("c2hvcnQ"));
        logs.Logs.Should().NotContain(l => l.EventId.Id == 5);
        service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue();
    }

    [Fact]
    public void Reload_ValueOfTheWrongFormat_ThrowsWithoutQuotingItWhereverTheOptionsAreRead()
    {
        var (provider, configuration, memory) = ReloadableHost();
        using var disposeProvider = provider;
        provider.GetRequiredService<InvitationService>();

        memory.Set("MixInvitations:Keys:0:Id", "not-an-id-zq9");
        var reload = configuration.Reload;

        reload.Should().Throw<Exception>().Which.ToString().Should().Contain("'MixInvitations:Keys:0:Id' cannot be converted to System.Int32").And.NotContain("zq9");
        var read = () => provider.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>().CurrentValue;
        var thrown = read.Should().Throw<InvalidOperationException>().Which;
        thrown.ToString().Should().NotContain("zq9");
        thrown.InnerException.Should().BeNull();
    }

    [Fact]
    public void Start_InvalidConfiguration_FailsStartWithoutLoggingAReloadFailure()
    {
        var logs = new CapturingLoggerProvider();
        var (provider, _, memory) = ReloadableHost(logs);
        using var disposeProvider = provider;
        memory.Set("MixInvitations:Keys:0:Secret", "c2hvcnQ=");

        var start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Secret is 5 bytes");
        logs.Logs.Should().NotContain(l => l.EventId.Id == 6, "nothing was running that a reload could have kept");
    }

    [Theory]
    [InlineData("MixInvitations:Keys:0:Id")]
    [InlineData("MixInvitations:Keys:0:SignUntil")]
    [InlineData("MixInvitations:MaxLifetime")]
    public void Start_SecretInAFieldOfAnotherType_FailsNamingTheFieldNeverTheSecret(string field)
    {
        // An operator pastes the secret into the wrong field: the binder's own message quotes the value whole (and its
        // inner FormatException quotes it again), which would put the secret in the start-up crash report.
        var secret = "c2VjcmV0LXNob3VsZC1uZXZlci1sZWFrLXFxOTk5OTk5";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MixInvitations:Keys:0:Id"] = "1",
            ["MixInvitations:Keys:0:Secret"] = TestKeys.Secret0,
            [field] = secret,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;

        var thrown = act.Should().Throw<InvalidOperationException>().Which;
        thrown.Message.Should().Contain($"'{field}'");
        thrown.ToString().Should().NotContain(secret).And.NotContain("qq999");
        thrown.InnerException.Should().BeNull("the binder's inner exception quotes the value too");
    }

    /// <summary>The library from the root configuration's <c>MixInvitations</c> section, with a fake clock and, when given, captured logs; the in-memory source is where a test changes values before <c>Reload</c>.</summary>
    private static (ServiceProvider Provider, IConfigurationRoot Configuration, MemoryConfigurationProvider Memory) ReloadableHost(CapturingLoggerProvider? logs = null)
    {
        var configuration = TestKeys.Configuration();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        services.AddSingleton<IConfiguration>(configuration);
        if (logs is not null)
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        services.AddMixInvitations();
        return (services.BuildServiceProvider(), configuration, configuration.Providers.OfType<MemoryConfigurationProvider>().Single());
    }

    /// <summary>The appsettings.json above, with more values from memory on top.</summary>
    private static IConfigurationRoot AppSettingsWith(params (string Key, string Value)[] values) => new ConfigurationBuilder()
        .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(AppSettings)))
        .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
        .Build();

    private static ServiceCollection NewServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        return services;
    }

    private static void AssertAppSettingsBound(MixInvitationOptions options)
    {
        options.Keys.Select(k => k.Id).Should().Equal(3, 4);
        options.Keys[0].Secret.Should().Be(TestKeys.Secret0);
        options.Keys[0].SignUntil.Should().Be(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        options.Keys[0].VerifyUntil.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        options.Keys[1].ActiveFrom.Should().Be(TestKeys.Epoch);
        options.DefaultLifetime.Should().Be(TimeSpan.FromDays(2));
        options.MaxLifetime.Should().Be(TimeSpan.FromDays(14));
        options.ExpiryTolerance.Should().Be(TimeSpan.FromSeconds(10));
        options.IssuedAtTolerance.Should().Be(TimeSpan.FromMinutes(1));
        options.LedgerRetentionMargin.Should().Be(TimeSpan.FromMinutes(2));
        options.EnabledPolicies.Should().Equal(BindingPolicies.InviteeBoundName, BindingPolicies.UnboundName);
        options.DefaultPolicy.Should().Be(BindingPolicies.UnboundName);
        options.ChannelKeyCacheSize.Should().Be(500);
        options.ChannelKeyCacheLifetime.Should().Be(TimeSpan.FromMinutes(10));
        options.MaxXmlInputSize.Should().Be(4096);
        options.LandingLinkBase.Should().Be(new Uri("https://join.example/i/"));
    }
}
