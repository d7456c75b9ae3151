using Microsoft.Extensions.Options;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Examples;

/// <summary>The README's "Without dependency injection" example, compiled and run as written.</summary>
public class ReadmeWithoutDependencyInjectionTests
{
    [Fact]
    public async Task Example_AsWrittenInTheReadme_IssuesAndValidates()
    {
        Environment.SetEnvironmentVariable("MIX_INVITATIONS_KEY", TestKeys.Secret0);
        try
        {
            var (valid, issued, result) = await ExampleAsync();

            valid.Should().BeTrue(result.ToString());
            issued.Claims.ExpiresAt.Should().Be(result.Claims.ExpiresAt);
            (result.Claims.ExpiresAt - result.Claims.IssuedAt).Should().Be(TimeSpan.FromDays(2));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MIX_INVITATIONS_KEY", null);
        }
    }

    [Fact]
    public void Example_KeyMissing_FailsWithTheValidationMessage()
    {
        var options = new MixInvitationOptions { DefaultLifetime = TimeSpan.FromDays(2) };
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = Environment.GetEnvironmentVariable("MIX_INVITATIONS_KEY_NOT_SET")! });

        var create = () => InvitationService.Create(options);

        create.Should().Throw<OptionsValidationException>().WithMessage("Keys[0] (id 1): Secret is empty.");
    }

    /// <summary>The README block itself (a helper rather than the test body: the README's code passes no test cancellation token).</summary>
    private static async Task<(bool Valid, IssuedInvitation Issued, InvitationValidationResult Result)> ExampleAsync()
    {
        // --- README "Without dependency injection" ---
        var options = new MixInvitationOptions { DefaultLifetime = TimeSpan.FromDays(2) };
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = Environment.GetEnvironmentVariable("MIX_INVITATIONS_KEY")! });

        using var telemetry = new InvitationTelemetry(meterFactory: null, loggerFactory: null); // or your ILoggerFactory
        var service = InvitationService.Create(options, TimeProvider.System, customPolicies: null, channelKeyProvider: null, telemetry);

        var issued = (await service.IssueAsync(new InvitationIssueRequest
        {
            Channel = Jid.Parse("coven@mix.shakespeare.example"),
            Inviter = Jid.Parse("hag66@shakespeare.example"),
            Invitee = Jid.Parse("cat@shakespeare.example"),
        })).Issued;
        var valid = service.TryValidate(issued.Invitation, new InvitationContext
        {
            Channel = Jid.Parse("coven@mix.shakespeare.example"),
            Joiner = Jid.Parse("cat@shakespeare.example"),
        }, out var result);
        // --- end ---
        return (valid, issued, result);
    }
}
