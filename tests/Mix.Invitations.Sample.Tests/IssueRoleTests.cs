using System.Text.Json;
using System.Xml.Linq;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary><c>issue --role</c>: the library's built-in issuance rules, with their defaults, and what a refusal looks like.</summary>
public sealed class IssueRoleTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private const string Participant = "cat@shakespeare.example";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<string[], InvitationIssueRefusalReason> Refusals() => new()
    {
        { ["--role", "other"], InvitationIssueRefusalReason.InviterNotAllowed },
        { ["--role", "participant", "--inviter", Participant, "--channel-allows-participants", "false"], InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations },
        { ["--role", "participant", "--inviter", Participant], InvitationIssueRefusalReason.ChannelForbidsParticipantInvitations }, // the setting unknown
        { ["--role", "participant", "--inviter", Participant, "--channel-allows-participants", "true", "--policy", "unbound"], InvitationIssueRefusalReason.TooManyUses },
        { ["--role", "participant", "--inviter", Participant, "--channel-allows-participants", "true", "--policy", "unbound", "--uses", "11"], InvitationIssueRefusalReason.TooManyUses },
        { ["--role", "participant", "--inviter", Participant, "--channel-allows-participants", "true", "--invitee", "rat@shakespeare.example", "--lifetime", "8d"], InvitationIssueRefusalReason.LifetimeTooLong },
        { ["--role", "moderator"], InvitationIssueRefusalReason.InviterNotAllowed }, // a role without rules follows "other"
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Issue_RefusedByTheRules_PrintsTheStanzaErrorAndExitsThree(string[] extra, InvitationIssueRefusalReason reason)
    {
        var run = _host.Run(["issue", "--channel", Channel, .. extra]);

        run.ExitCode.Should().Be(3, run.ToString());
        run.Output.Should().BeEmpty("nothing was issued");
        var expected = InvitationStanzaError.For(reason);
        run.ErrorLines[1].Should().Be($"refused ({reason}): {expected}");
        var error = XElement.Parse(run.ErrorLines[2]);
        ((string?)error.Attribute("type")).Should().Be(expected.Type);
        error.Elements().First().Name.Should().Be(XName.Get(expected.Condition, InvitationStanzaError.StanzasNamespace));
    }

    [Fact]
    public void Issue_RoleOther_IsAuthForbidden()
    {
        var run = _host.Run("issue", "--channel", Channel, "--inviter", Participant, "--role", "other");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorLines[1].Should().Be("refused (InviterNotAllowed): auth/forbidden: You may not invite to this channel.");
        run.ErrorLines.Should().HaveCount(3, "with an inviter there is no note about --inviter");
    }

    [Fact]
    public void Issue_ParticipantUnboundWithUses_IsIssued()
    {
        var run = _host.Run("issue", "--channel", Channel, "--inviter", Participant, "--role", "participant", "--channel-allows-participants", "true", "--policy", "unbound", "--uses", "5", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = JsonDocument.Parse(run.Output).RootElement;
        json.GetProperty("policy").GetString().Should().Be("unbound");
        json.GetProperty("maxUses").GetInt32().Should().Be(5);
    }

    [Fact]
    public void Issue_ParticipantWithoutInviter_IsRefusedWithANote()
    {
        // The participants' rate is counted per inviter: a request without one cannot be counted, so it is refused.
        var run = _host.Run("issue", "--channel", Channel, "--role", "participant", "--channel-allows-participants", "true", "--policy", "unbound", "--uses", "5");

        run.ExitCode.Should().Be(3, run.ToString());
        run.ErrorLines[1].Should().StartWith("refused (InviterNotAllowed): auth/forbidden");
        run.ErrorLines[^1].Should().StartWith("note: without --inviter");
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("administrator")]
    public void Issue_ExemptRole_IsIssuedWithoutLimits(string role)
    {
        // Unbound, no use limit, the longest lifetime: everything a participant may not do.
        var run = _host.Run("issue", "--channel", Channel, "--role", role, "--policy", "unbound", "--lifetime", "30d", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        JsonDocument.Parse(run.Output).RootElement.GetProperty("maxUses").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Issue_WithoutRole_AppliesNoRules()
    {
        var run = _host.Run("issue", "--channel", Channel, "--policy", "unbound", "--lifetime", "30d", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public void Issue_Help_DocumentsRoleAndExitCodes()
    {
        var run = _host.Run("issue", "--help");

        run.Output.Should().Contain("--role").And.Contain("--channel-allows-participants").And.Contain("3 refused by the issuance rules");
    }

    [Theory]
    [InlineData(new[] { "--role", "" }, "error: --role: a role name is needed")]
    [InlineData(new[] { "--channel-allows-participants", "maybe" }, "error: Unrecognized command or argument 'maybe'")] // a flag: alone it means true
    public void Issue_BadRoleInput_IsAUsageError(string[] extra, string expected)
    {
        var run = _host.Run(["issue", "--channel", Channel, .. extra]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines[^1].Should().StartWith(expected);
    }
}
