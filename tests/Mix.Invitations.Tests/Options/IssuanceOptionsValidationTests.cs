using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Policies;

namespace Mix.Invitations.Tests.Options;

/// <summary>
/// Every option of <see cref="MixInvitationOptions.Issuance"/>: a bad value fails at start-up (and in
/// InvitationService.Create) with a message naming the field by its configuration path and the value; and binding
/// <c>MixInvitations:Issuance</c> from configuration keeps the defaults a configuration does not override.
/// </summary>
public sealed class IssuanceOptionsValidationTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static TheoryData<string, Action<InvitationIssuanceOptions>, string> InvalidIssuance => new()
    {
        { "empty exempt role", o => o.ExemptRoles = [InvitationRoles.Owner, " "], "Issuance:ExemptRoles:1 is empty; a role name must not be." },
        { "empty role name", o => o.Roles[""] = new InvitationRoleOptions(), "Issuance:Roles has a role named ''; a role name must not be empty." },
        { "null role", o => o.Roles["guest"] = null!, "Issuance:Roles:guest is null; remove the entry, or give it rules." },
        { "role uses zero", o => o.Roles[InvitationRoles.Participant].MaxUses = 0, "Issuance:Roles:participant:MaxUses is 0; it must be between 1 and 65535, or unset for any." },
        { "role uses over 65535", o => o.Roles[InvitationRoles.Participant].MaxUses = 65_536, "Issuance:Roles:participant:MaxUses is 65536; it must be between 1 and 65535, or unset for any." },
        {
            "role lifetime over ten years", o => o.Roles[InvitationRoles.Participant].MaxLifetime = TimeSpan.FromDays(3651),
            "Issuance:Roles:participant:MaxLifetime is 3651.00:00:00; it must be between 00:00:01 and 3650.00:00:00, or unset for MaxLifetime."
        },
        {
            "role lifetime zero", o => o.Roles[InvitationRoles.Other].MaxLifetime = TimeSpan.Zero,
            "Issuance:Roles:other:MaxLifetime is 00:00:00; it must be between 00:00:01 and 3650.00:00:00, or unset for MaxLifetime."
        },
        { "empty allowed policy", o => o.Roles[InvitationRoles.Participant].AllowedPolicies = [""], "Issuance:Roles:participant:AllowedPolicies:0 is empty; it must name a binding policy." },
        {
            "unknown allowed policy", o => o.Roles[InvitationRoles.Participant].AllowedPolicies = [BindingPolicies.InviteeBoundName, "invitee-bund"],
            "Issuance:Roles:participant:AllowedPolicies:1 is 'invitee-bund', which is not a registered binding policy (registered: invitee-bound, inviter-bound, unbound)."
        },
        {
            "inviter rate zero permits", o => o.Roles[InvitationRoles.Participant].InviterRate!.PermitLimit = 0,
            "Issuance:Roles:participant:InviterRate:PermitLimit is 0; it must be between 1 and 1000000."
        },
        {
            "inviter rate window too short", o => o.Roles[InvitationRoles.Participant].InviterRate!.Window = TimeSpan.FromMilliseconds(500),
            "Issuance:Roles:participant:InviterRate:Window is 00:00:00.5000000; it must be between 00:00:01 and 7.00:00:00."
        },
        {
            "inviter rate of a new role without a window", o => o.Roles["guest"] = new InvitationRoleOptions { InviterRate = new InvitationRateLimitOptions { PermitLimit = 5 } },
            "Issuance:Roles:guest:InviterRate:Window is 00:00:00; it must be between 00:00:01 and 7.00:00:00."
        },
        { "channel rate too many permits", o => o.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 1_000_001, Window = Hour }, "Issuance:ChannelRate:PermitLimit is 1000001; it must be between 1 and 1000000." },
        { "channel rate window over a week", o => o.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.FromDays(8) }, "Issuance:ChannelRate:Window is 8.00:00:00; it must be between 00:00:01 and 7.00:00:00." },
        { "outstanding uses zero", o => o.MaxOutstandingBearerUses = 0, "Issuance:MaxOutstandingBearerUses is 0; it must be between 1 and 10000000, or unset for no cap." },
        { "outstanding uses over ten million", o => o.MaxOutstandingBearerUses = 10_000_001, "Issuance:MaxOutstandingBearerUses is 10000001; it must be between 1 and 10000000, or unset for no cap." },
    };

    [Theory]
    [MemberData(nameof(InvalidIssuance))]
    public void ValidateOnStart_InvalidIssuanceOption_FailsNamingFieldAndValue(string scenario, Action<InvitationIssuanceOptions> breakIt, string expected)
    {
        using var provider = BuildProvider(o => breakIt(o.Issuance));

        var start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>(scenario).Which.Failures.Should().Contain(expected, scenario);
    }

    [Theory]
    [MemberData(nameof(InvalidIssuance))]
    public void Create_InvalidIssuanceOption_FailsWithTheSameMessage(string scenario, Action<InvitationIssuanceOptions> breakIt, string expected)
    {
        var options = TestKeys.Options(o => breakIt(o.Issuance));

        var create = () => InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch));

        create.Should().Throw<OptionsValidationException>(scenario).Which.Failures.Should().Contain(expected, scenario);
    }

    [Theory]
    [InlineData(1, "00:00:01")]
    [InlineData(65_535, "7.00:00:00")]
    public void Validate_BoundaryValues_Pass(int uses, string window)
    {
        var options = TestKeys.Options(o =>
        {
            var role = o.Issuance.Roles[InvitationRoles.Participant];
            role.MaxUses = uses;
            role.MaxLifetime = o.MaxLifetime;
            role.InviterRate = new InvitationRateLimitOptions { PermitLimit = 1_000_000, Window = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) };
            o.Issuance.ChannelRate = new InvitationRateLimitOptions { PermitLimit = 1, Window = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) };
            o.Issuance.MaxOutstandingBearerUses = uses == 1 ? 1 : 10_000_000;
        });

        FluentActions.Invoking(() => InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch))).Should().NotThrow();
    }

    [Fact]
    public void Validate_ServiceMaxLifetimeBelowTheParticipantsDefault_Passes_AndTheShorterApplies()
    {
        // A server that shortens MaxLifetime to a day never set the participant's 7-day cap: it must still start.
        var options = TestKeys.Options(o =>
        {
            o.DefaultLifetime = TimeSpan.FromHours(1);
            o.MaxLifetime = TimeSpan.FromDays(1);
        });

        FluentActions.Invoking(() => InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch))).Should().NotThrow();
    }

    [Fact]
    public void Validate_AllowedPolicies_MayNameACustomRegisteredPolicy()
    {
        var options = TestKeys.Options(o => o.Issuance.Roles[InvitationRoles.Participant].AllowedPolicies = ["partner-domain:partner.example"]);

        FluentActions.Invoking(() => InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch), [new PartnerDomainPolicy("partner.example")]))
            .Should().NotThrow();
    }

    [Fact]
    public void Bind_OneFieldOfADefaultRole_OverridesItAndKeepsTheRestOfTheDefaults()
    {
        var options = Bind(new()
        {
            ["MixInvitations:Issuance:Roles:participant:MaxUses"] = "3",
            ["MixInvitations:Issuance:Roles:participant:InviterRate:PermitLimit"] = "4",
        });

        var participant = options.Issuance.Roles[InvitationRoles.Participant];
        participant.MaxUses.Should().Be(3);
        participant.InviterRate!.PermitLimit.Should().Be(4);
        participant.InviterRate.Window.Should().Be(Hour, "the default window stays");
        participant.RequiresChannelSetting.Should().BeTrue("the default stays");
        participant.MaxLifetime.Should().Be(TimeSpan.FromDays(7), "the default stays");
        options.Issuance.Roles[InvitationRoles.Other].MayInvite.Should().BeFalse("an entry the configuration does not name keeps its defaults");
        options.Issuance.ChannelRate!.PermitLimit.Should().Be(100);
        options.Issuance.MaxOutstandingBearerUses.Should().Be(1_000);
    }

    [Fact]
    public void Bind_ANewRoleAndTheRestOfTheSection_AreBound()
    {
        var options = Bind(new()
        {
            ["MixInvitations:Issuance:ExemptRoles:0"] = "owner",
            ["MixInvitations:Issuance:Roles:moderator:AllowedPolicies:0"] = "invitee-bound",
            ["MixInvitations:Issuance:Roles:moderator:AllowedPolicies:1"] = "inviter-bound",
            ["MixInvitations:Issuance:Roles:moderator:MaxLifetime"] = "1.00:00:00",
            ["MixInvitations:Issuance:Roles:moderator:InviterRate:PermitLimit"] = "50",
            ["MixInvitations:Issuance:Roles:moderator:InviterRate:Window"] = "00:10:00",
            ["MixInvitations:Issuance:Roles:other:MayInvite"] = "true",
            ["MixInvitations:Issuance:ChannelRate:PermitLimit"] = "7",
            ["MixInvitations:Issuance:MaxOutstandingBearerUses"] = "250",
        });

        options.Issuance.ExemptRoles.Should().Equal("owner");
        var moderator = options.Issuance.Roles["moderator"];
        moderator.MayInvite.Should().BeTrue("a new entry starts from the class defaults");
        moderator.AllowedPolicies.Should().Equal(BindingPolicies.InviteeBoundName, BindingPolicies.InviterBoundName);
        moderator.MaxLifetime.Should().Be(TimeSpan.FromDays(1));
        moderator.InviterRate.Should().BeEquivalentTo(new InvitationRateLimitOptions { PermitLimit = 50, Window = TimeSpan.FromMinutes(10) });
        options.Issuance.Roles[InvitationRoles.Other].MayInvite.Should().BeTrue();
        options.Issuance.Roles[InvitationRoles.Participant].MaxUses.Should().Be(10, "the participant defaults stay");
        options.Issuance.ChannelRate!.PermitLimit.Should().Be(7);
        options.Issuance.ChannelRate.Window.Should().Be(Hour);
        options.Issuance.MaxOutstandingBearerUses.Should().Be(250);
    }

    [Fact]
    public void Bind_ABadValue_FailsAtStartUpNamingTheField()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MixInvitations:Keys:0:Id"] = "1",
            ["MixInvitations:Keys:0:Secret"] = TestKeys.Secret0,
            ["MixInvitations:Issuance:Roles:participant:MaxUses"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();

        var start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        start.Should().Throw<OptionsValidationException>().WithMessage("*Issuance:Roles:participant:MaxUses is 0; it must be between 1 and 65535*");
    }

    private static MixInvitationOptions Bind(Dictionary<string, string?> values)
    {
        values["MixInvitations:Keys:0:Id"] = "1";
        values["MixInvitations:Keys:0:Secret"] = TestKeys.Secret0;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMixInvitations();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider.GetRequiredService<IOptions<MixInvitationOptions>>().Value;
    }

    private static ServiceProvider BuildProvider(Action<MixInvitationOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestKeys.Epoch));
        services.AddMixInvitations(o =>
        {
            o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
            configure(o);
        });
        return services.BuildServiceProvider();
    }
}
