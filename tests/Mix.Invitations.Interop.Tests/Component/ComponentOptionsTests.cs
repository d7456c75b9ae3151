using Mix.Invitations.Component;

namespace Mix.Invitations.Interop.Tests.Component;

public class ComponentOptionsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public void Parse_ArgumentsOverEnvironment_ArgumentsWin()
    {
        var environment = new Dictionary<string, string>
        {
            ["MIX_COMPONENT_PORT"] = "5348",
            ["MIX_COMPONENT_SECRET"] = "from-env",
            ["MIX_COMPONENT_OWNERS"] = "coven=hag66@shakespeare.example; den=cat@shakespeare.example",
        };

        var options = ComponentOptions.Parse(["--port", "15347", "--domain", "mix.example.org", "--owner", "lair=rat@shakespeare.example"], environment.GetValueOrDefault);

        options.Port.Should().Be(15347);
        options.Secret.Should().Be("from-env");
        options.Domain.Should().Be("mix.example.org");
        options.Owners.Should().Equal(("coven", "hag66@shakespeare.example"), ("den", "cat@shakespeare.example"), ("lair", "rat@shakespeare.example"));
    }

    [Theory]
    [InlineData(new[] { "--port", "70000", "--secret", "s" }, "port")]
    [InlineData(new[] { "--port", "-1", "--secret", "s" }, "port")]
    [InlineData(new[] { "--bogus", "x", "--secret", "s" }, "Unknown argument")]
    [InlineData(new[] { "--secret" }, "needs a value")]
    [InlineData(new[] { "--owner", "coven", "--secret", "s" }, "CHANNEL=OWNER-JID")]
    [InlineData(new string[0], "secret is required")]
    [InlineData(new[] { "--participant-rate", "3", "--secret", "s" }, "participant rate")]
    [InlineData(new[] { "--participant-rate", "0/1m", "--secret", "s" }, "participant rate")]
    [InlineData(new[] { "--participant-rate", "3/0m", "--secret", "s" }, "participant rate")]
    [InlineData(new[] { "--participant-rate", "3/1d", "--secret", "s" }, "participant rate")]
    [InlineData(new[] { "--participant-rate", "3/169h", "--secret", "s" }, "participant rate")]
    public void Parse_BadArguments_ThrowsFormatExceptionNamingTheProblem(string[] args, string expected)
    {
        var act = () => ComponentOptions.Parse(args, NoEnvironment.GetValueOrDefault);

        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }

    [Fact]
    public void ParticipantRate_DefaultAndSet_ReachTheParticipantsRuleOnly()
    {
        var byDefault = ComponentOptions.Parse(["--secret", "s"], NoEnvironment.GetValueOrDefault).ToInvitationOptions(out _);
        var fromEnvironment = ComponentOptions.Parse(["--secret", "s"], new Dictionary<string, string> { ["MIX_COMPONENT_PARTICIPANT_RATE"] = "10/1h" }.GetValueOrDefault).ToInvitationOptions(out _);
        var fromArgument = ComponentOptions.Parse(["--secret", "s", "--participant-rate", "5/30s"], NoEnvironment.GetValueOrDefault).ToInvitationOptions(out _);

        Rate(byDefault).Should().Be((3, TimeSpan.FromMinutes(1)));
        Rate(fromEnvironment).Should().Be((10, TimeSpan.FromHours(1)));
        Rate(fromArgument).Should().Be((5, TimeSpan.FromSeconds(30)));
        byDefault.Issuance.Roles[InvitationRoles.Participant].RequiresChannelSetting.Should().BeTrue("the XEP-0406 setting still decides");
        byDefault.Issuance.Roles[InvitationRoles.Other].MayInvite.Should().BeFalse();

        static (int, TimeSpan) Rate(MixInvitationOptions options)
        {
            var rate = options.Issuance.Roles[InvitationRoles.Participant].InviterRate!;
            return (rate.PermitLimit, rate.Window);
        }
    }

    [Fact]
    public void LandingPage_FromArgumentOrEnvironment_MustBeAnHttpUrlWithoutFragment()
    {
        var fromArgument = ComponentOptions.Parse(["--secret", "s", "--landing-page", "https://invite.example/join"], NoEnvironment.GetValueOrDefault);
        var fromEnvironment = ComponentOptions.Parse(["--secret", "s"], new Dictionary<string, string> { ["MIX_COMPONENT_LANDING_PAGE"] = "http://localhost:8080/" }.GetValueOrDefault);
        var withFragment = () => ComponentOptions.Parse(["--secret", "s", "--landing-page", "https://invite.example/#x"], NoEnvironment.GetValueOrDefault);

        fromArgument.LandingPage.Should().Be(new Uri("https://invite.example/join"));
        fromEnvironment.LandingPage.Should().Be(new Uri("http://localhost:8080/"));
        ComponentOptions.Parse(["--secret", "s"], NoEnvironment.GetValueOrDefault).LandingPage.Should().BeNull();
        withFragment.Should().Throw<FormatException>().WithMessage("*without a fragment*");
    }

    [Fact]
    public void ToInvitationOptions_NoKey_GeneratesAFreshKeyEachTime()
    {
        var options = ComponentOptions.Parse(["--secret", "s"], NoEnvironment.GetValueOrDefault);

        var first = options.ToInvitationOptions(out var generated);
        var second = options.ToInvitationOptions(out _);

        generated.Should().BeTrue();
        Convert.FromBase64String(first.Keys[0].Secret).Should().HaveCount(32);
        first.Keys[0].Secret.Should().NotBe(second.Keys[0].Secret);
    }
}
