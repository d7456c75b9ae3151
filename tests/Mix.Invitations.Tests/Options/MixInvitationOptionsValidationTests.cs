using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Policies;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Options;

/// <summary>
/// Every invalid configuration fails at start (the ValidateOnStart machinery of a real container) and in
/// InvitationService.Create with the same message, which names the field and the value and never the secret.
/// </summary>
public class MixInvitationOptionsValidationTests
{
    /// <summary>16 bytes: valid base64, too short for a key.</summary>
    private const string ShortSecret = "EBESExQVFhcYGRobHB0eHw==";

    /// <summary>Base64-looking, but '*' and '!' are not in either alphabet.</summary>
    private const string NotBase64Secret = "AAECAwQFBgcICQoLDA0ODx*!EhMUFRYXGBkaGxwdHh8=";

    public static TheoryData<string, Action<MixInvitationOptions>, string[]> InvalidConfigurations => new()
    {
        { "no keys", o => o.Keys.Clear(), ["Keys is empty"] },
        { "secret not base64", o => o.Keys[0].Secret = NotBase64Secret, ["Keys[0] (id 1): Secret is not valid base64 (44 characters)"] },
        { "secret empty", o => o.Keys[0].Secret = "", ["Keys[0] (id 1): Secret is empty"] },
        { "secret under 32 bytes", o => o.Keys[0].Secret = ShortSecret, ["Keys[0] (id 1): Secret is 16 bytes; at least 32 random bytes are required"] },
        { "duplicate key ids", o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret1 }), ["Keys[1].Id is 1, already the id of Keys[0]; key ids must be unique"] },
        { "key id out of range", o => o.Keys[0].Id = 300, ["Keys[0].Id is 300; it must be between 0 and 255"] },
        {
            "no key active now (not yet)", o => o.Keys[0].ActiveFrom = TestKeys.Epoch.AddDays(1),
            ["No key may sign now (2026-01-01T00:00:00.0000000+00:00): Keys[0] (id 1) signs from 2026-01-02T00:00:00.0000000+00:00 until (unset)"]
        },
        {
            "no key active now (retired)", o => o.Keys[0].SignUntil = TestKeys.Epoch.AddDays(-1),
            ["No key may sign now (2026-01-01T00:00:00.0000000+00:00): Keys[0] (id 1) signs from (unset) until 2025-12-31T00:00:00.0000000+00:00"]
        },
        {
            "sign window inverted", o => { o.Keys[0].ActiveFrom = TestKeys.Epoch.AddDays(-1); o.Keys[0].SignUntil = TestKeys.Epoch.AddDays(-2); },
            ["Keys[0].SignUntil is 2025-12-30T00:00:00.0000000+00:00, not after its ActiveFrom 2025-12-31T00:00:00.0000000+00:00 (key id 1)"]
        },
        {
            "verify ends before signing does", o => { o.Keys[0].SignUntil = TestKeys.Epoch.AddDays(2); o.Keys[0].VerifyUntil = TestKeys.Epoch.AddDays(1); },
            ["Keys[0].VerifyUntil is 2026-01-02T00:00:00.0000000+00:00, before its SignUntil 2026-01-03T00:00:00.0000000+00:00 (key id 1)"]
        },
        { "maximum lifetime below the default", o => o.MaxLifetime = TimeSpan.FromDays(1), ["MaxLifetime is 1.00:00:00, below DefaultLifetime 7.00:00:00"] },
        { "negative expiry tolerance", o => o.ExpiryTolerance = TimeSpan.FromSeconds(-5), ["ExpiryTolerance is -00:00:05; it must be between 00:00:00 and 01:00:00"] },
        { "negative issued-at tolerance", o => o.IssuedAtTolerance = TimeSpan.FromMinutes(-2), ["IssuedAtTolerance is -00:02:00; it must be between 00:00:00 and 01:00:00"] },
        { "tolerance over an hour", o => o.ExpiryTolerance = TimeSpan.FromHours(2), ["ExpiryTolerance is 02:00:00; it must be between 00:00:00 and 01:00:00"] },
        { "zero ledger retention margin", o => o.LedgerRetentionMargin = TimeSpan.Zero, ["LedgerRetentionMargin is 00:00:00; it must be between 00:00:01 and 1.00:00:00"] },
        { "ledger retention margin over a day", o => o.LedgerRetentionMargin = TimeSpan.FromDays(2), ["LedgerRetentionMargin is 2.00:00:00; it must be between 00:00:01 and 1.00:00:00"] },
        { "zero default lifetime", o => o.DefaultLifetime = TimeSpan.Zero, ["DefaultLifetime is 00:00:00; it must be between 00:00:01 and 3650.00:00:00"] },
        { "cache size zero", o => o.ChannelKeyCacheSize = 0, ["ChannelKeyCacheSize is 0; it must be between 1 and 10000000"] },
        { "xml limit too small", o => o.MaxXmlInputSize = 10, ["MaxXmlInputSize is 10; it must be between 256 and 1048576"] },
        {
            "unknown enabled policy", o => o.EnabledPolicies = [BindingPolicies.InviteeBoundName, "partner-domain"],
            ["EnabledPolicies[1] is 'partner-domain', which is not a registered binding policy (registered: invitee-bound, inviter-bound, unbound)"]
        },
        {
            "unknown default policy", o => o.DefaultPolicy = "invitee-bund",
            ["DefaultPolicy is 'invitee-bund', which is not a registered binding policy (registered: invitee-bound, inviter-bound, unbound)"]
        },
        {
            "default policy disabled", o => o.EnabledPolicies = [BindingPolicies.UnboundName],
            ["DefaultPolicy is 'invitee-bound', which EnabledPolicies (unbound) does not enable"]
        },
        { "landing link not https", o => o.LandingLinkBase = new Uri("http://join.example/"), ["LandingLinkBase is 'http://join.example/'; it must be an absolute https URI"] },
        {
            "several problems at once", o => { o.Keys[0].Secret = ShortSecret; o.ExpiryTolerance = TimeSpan.FromSeconds(-1); },
            ["Keys[0] (id 1): Secret is 16 bytes", "ExpiryTolerance is -00:00:01"]
        },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public void ValidateOnStart_InvalidConfiguration_FailsNamingFieldAndValue(string scenario, Action<MixInvitationOptions> breakIt, string[] expected)
    {
        using var provider = BuildProvider(breakIt);

        var start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        var failure = start.Should().Throw<OptionsValidationException>(scenario).Which;
        failure.OptionsType.Should().Be<MixInvitationOptions>();
        foreach (var fragment in expected)
        {
            failure.Message.Should().Contain(fragment, scenario);
        }

        AssertNoSecret(failure.Message);
    }

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public void Create_InvalidConfiguration_FailsWithTheMessageDependencyInjectionGives(string scenario, Action<MixInvitationOptions> breakIt, string[] expected)
    {
        var options = TestKeys.Options(breakIt);
        using var provider = BuildProvider(breakIt);
        var fromContainer = FluentActions.Invoking(() => provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value)
            .Should().Throw<OptionsValidationException>().Which;

        var create = () => InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch));

        var failure = create.Should().Throw<OptionsValidationException>(scenario).Which;
        failure.Failures.Should().BeEquivalentTo(fromContainer.Failures, scenario);
        failure.Message.Should().Contain(expected[0]);
        AssertNoSecret(failure.Message);
    }

    [Fact]
    public void ValidateOnStart_ValidConfiguration_Passes()
    {
        using var provider = BuildProvider(_ => { });

        provider.GetRequiredService<IStartupValidator>().Validate();

        provider.GetRequiredService<InvitationService>().Issue(TestKeys.InviteeBound()).Invitation.Token.Should().NotBeEmpty();
    }

    private const string PartnerPolicy = "partner-domain:partner.example";

    [Fact]
    public void ValidateOnStart_CustomPolicyRegistered_MayBeEnabledAndDefault()
    {
        void Configure(MixInvitationOptions o)
        {
            o.EnabledPolicies = [PartnerPolicy, BindingPolicies.UnboundName];
            o.DefaultPolicy = PartnerPolicy;
        }

        using var provider = BuildProvider(Configure, b => b.AddBindingPolicy(new PartnerDomainPolicy("partner.example")));

        provider.GetRequiredService<IStartupValidator>().Validate();

        var service = provider.GetRequiredService<InvitationService>();
        service.IsPolicyEnabled(PartnerPolicy).Should().BeTrue();
        var invitation = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Inviter = TestKeys.Inviter }).Invitation;
        service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = Jid.Parse("ally@partner.example") }).Claims.Policy
            .Should().Be(PartnerPolicy);
    }

    [Fact]
    public void Create_CustomPolicyPassed_IsAKnownName()
    {
        var options = TestKeys.Options(o => o.EnabledPolicies = [PartnerPolicy, BindingPolicies.InviteeBoundName]);

        var service = InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch), [new PartnerDomainPolicy("partner.example")]);

        service.IsPolicyEnabled(PartnerPolicy).Should().BeTrue();
        service.IsPolicyEnabled(BindingPolicies.UnboundName).Should().BeFalse();
    }

    [Fact]
    public void ValidateOnStart_KeyActiveOnlyByTheRegisteredClock_UsesTheClockFromTheContainer()
    {
        // Active from 2040: only a clock set later than that finds a key that may sign.
        var future = new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);
        void Configure(MixInvitationOptions o) => o.Keys[0].ActiveFrom = future;

        using var fakeClock = BuildProvider(Configure, clock: new FakeTimeProvider(future.AddDays(1)));
        fakeClock.GetRequiredService<IStartupValidator>().Validate();

        using var systemClock = BuildProvider(Configure, registerClock: false);
        var start = () => systemClock.GetRequiredService<IStartupValidator>().Validate();
        start.Should().Throw<OptionsValidationException>().WithMessage("*No key may sign now*2040-01-01*");
    }

    [Fact]
    public void Create_SecretTooShort_MessageHoldsNeitherTheSecretNorItsBytes()
    {
        var options = TestKeys.Options(o => o.Keys[0].Secret = ShortSecret);

        var failure = FluentActions.Invoking(() => InvitationService.Create(options)).Should().Throw<OptionsValidationException>().Which;

        failure.Message.Should().NotContain(ShortSecret).And.NotContain(ShortSecret.TrimEnd('='))
            .And.NotContain(Convert.ToHexString(Convert.FromBase64String(ShortSecret)));
    }

    private static ServiceProvider BuildProvider(Action<MixInvitationOptions> breakIt, Action<IMixInvitationsBuilder>? more = null, TimeProvider? clock = null, bool registerClock = true)
    {
        var services = new ServiceCollection();
        if (registerClock)
        {
            services.AddSingleton<TimeProvider>(clock ?? new FakeTimeProvider(TestKeys.Epoch));
        }

        var builder = services.AddMixInvitations(o =>
        {
            o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
            breakIt(o);
        });
        more?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static void AssertNoSecret(string message)
    {
        foreach (var secret in new[] { TestKeys.Secret0, TestKeys.Secret1, ShortSecret, NotBase64Secret })
        {
            message.Should().NotContain(secret).And.NotContain(secret.TrimEnd('=')[..20]);
        }
    }
}
