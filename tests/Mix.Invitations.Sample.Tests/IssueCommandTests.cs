using System.Text.Json;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

public sealed class IssueCommandTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Issue_XmlFormat_PrintsAnInvitationTheReaderAccepts()
    {
        var run = _host.Run("issue", "--channel", "Coven@Mix.Shakespeare.Example", "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example/balcony");

        run.ExitCode.Should().Be(0, run.ToString());
        var invitation = InvitationXml.Read<Invitation>(run.Output);
        invitation.Channel.ToString().Should().Be(Channel, "JIDs are normalised");
        invitation.Invitee.ToString().Should().Be("cat@shakespeare.example", "invitations bind bare JIDs");
        run.ErrorLines.Should().Equal(
            $"key 1: dev key {_host.DevKeyPath} (created now)",
            $"issued invitee-bound invitation to {Channel}, expires 2026-03-21T15:09:26Z");
    }

    [Theory]
    [InlineData(new[] { "--invitee", "cat@shakespeare.example" }, "invitee-bound")]
    [InlineData(new[] { "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example" }, "invitee-bound")]
    [InlineData(new[] { "--inviter", "hag66@shakespeare.example" }, "inviter-bound")]
    [InlineData(new string[0], "unbound")]
    [InlineData(new[] { "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example", "--policy", "unbound" }, "unbound")]
    public void Issue_PolicyDefault_FollowsWhatIsNamed(string[] extra, string policy)
    {
        var run = _host.Run(["issue", "--channel", Channel, "--format", "json", .. extra]);

        run.ExitCode.Should().Be(0, run.ToString());
        Json(run).GetProperty("policy").GetString().Should().Be(policy);
    }

    [Fact]
    public void Issue_JsonFormat_HasChannelInviterInviteeTokenPolicyExpires()
    {
        var run = _host.Run("issue", "--channel", Channel, "--inviter", "hag66@shakespeare.example", "--lifetime", "12h", "--uses", "3", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = Json(run);
        json.GetProperty("channel").GetString().Should().Be(Channel);
        json.GetProperty("inviter").GetString().Should().Be("hag66@shakespeare.example");
        json.GetProperty("invitee").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("token").GetString().Should().HaveLength(51, "a use-limited token");
        json.GetProperty("policy").GetString().Should().Be("inviter-bound");
        json.GetProperty("expires").GetString().Should().Be("2026-03-15T03:09:26Z");
        json.GetProperty("maxUses").GetInt32().Should().Be(3);
    }

    [Theory]
    [InlineData("30s", "2026-03-14T15:09:56Z")]
    [InlineData("15m", "2026-03-14T15:24:26Z")]
    [InlineData("12h", "2026-03-15T03:09:26Z")]
    [InlineData("7d", "2026-03-21T15:09:26Z")]
    [InlineData("2w", "2026-03-28T15:09:26Z")]
    [InlineData("1.06:00:00", "2026-03-15T21:09:26Z")]
    public void Issue_Lifetime_SetsTheExpiry(string lifetime, string expires)
    {
        var run = _host.Run("issue", "--channel", Channel, "--lifetime", lifetime, "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        Json(run).GetProperty("expires").GetString().Should().Be(expires);
    }

    [Fact]
    public void Issue_UriFormat_PrintsTheXmppUriThenAQrCodeOfIt()
    {
        var run = _host.Run("issue", "--channel", Channel, "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example", "--format", "uri");

        run.ExitCode.Should().Be(0, run.ToString());
        var uri = run.OutputLines[0];
        uri.Should().StartWith($"xmpp:{Channel}?join;preauth=").And.Contain(";invitee=cat%40shakespeare.example");
        InvitationUri.Parse(uri).Invitee.ToString().Should().Be("cat@shakespeare.example");
        var qr = run.Output[(run.Output.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim('\n', '\r');
        TerminalQrCodeTests.Decode(qr, darkTerminal: true).Should().BeEquivalentTo(TerminalQrCodeTests.Modules(uri), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Issue_LinkFormat_UsesTheLinkBaseAndDrawsTheQrCode()
    {
        var run = _host.Run("issue", "--channel", Channel, "--uses", "1", "--format", "link", "--link-base", "https://chat.example.org/join/");

        run.ExitCode.Should().Be(0, run.ToString());
        var link = run.OutputLines[0];
        link.Should().StartWith($"https://chat.example.org/join/#{Channel}?join;preauth=");
        InvitationUri.Parse(link).Channel.ToString().Should().Be(Channel);
        run.Output.Should().Contain("█");
        run.ErrorLines[1].Should().EndWith(", 1 use(s)");
    }

    [Fact]
    public void Issue_LinkFormatLightTerminal_DrawsDarkModules()
    {
        var run = _host.Run("issue", "--channel", Channel, "--format", "link", "--light-terminal");

        run.ExitCode.Should().Be(0, run.ToString());
        var link = run.OutputLines[0];
        var qr = run.Output[(run.Output.IndexOf('\n', StringComparison.Ordinal) + 1)..].Trim('\n', '\r');
        TerminalQrCodeTests.Decode(qr, darkTerminal: false).Should().BeEquivalentTo(TerminalQrCodeTests.Modules(link), o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("uri")]
    [InlineData("link")]
    public void Issue_NoQr_PrintsOnlyTheLink(string format)
    {
        var run = _host.Run("issue", "--channel", Channel, "--format", format, "--no-qr");

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().ContainSingle();
        run.Output.Should().NotContainAny("█", "▀", "▄");
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("json")]
    public void Issue_NonLinkFormats_DrawNoQrCode(string format)
    {
        var run = _host.Run("issue", "--channel", Channel, "--format", format);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().NotContainAny("█", "▀", "▄");
    }

    [Fact]
    public void Issue_FirstUse_CreatesTheDevKeyOwnerOnlyAndNeverPrintsIt()
    {
        var run = _host.Run("issue", "--channel", Channel);

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(_host.DevKeyPath).Should().BeTrue();
        var secret = File.ReadAllText(_host.DevKeyPath).Trim();
        Convert.FromBase64String(secret).Should().HaveCount(32);
        run.Output.Should().NotContain(secret);
        run.Error.Should().NotContain(secret).And.Contain(_host.DevKeyPath);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_host.DevKeyPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var again = _host.Run("issue", "--channel", Channel);
        again.ErrorLines[0].Should().Be($"key 1: dev key {_host.DevKeyPath}", "the second run reuses the key");
        File.ReadAllText(_host.DevKeyPath).Trim().Should().Be(secret);
    }

    [Fact]
    public void Issue_KeyFromEnvironment_UsesItAndCreatesNoFile()
    {
        _host.Variables["MIX_INVITATIONS_KEY"] = Convert.ToBase64String(new byte[32]);

        var run = _host.Run("issue", "--channel", Channel);

        run.ExitCode.Should().Be(0, run.ToString());
        run.ErrorLines[0].Should().Be("key 1: the environment variable MIX_INVITATIONS_KEY");
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse();
    }

    [Fact]
    public void Issue_KeyFileOption_WinsOverTheEnvironment()
    {
        _host.Variables["MIX_INVITATIONS_KEY"] = Convert.ToBase64String(new byte[32]);
        var keyFile = Path.Combine(_host.Directory, "team.key");

        var run = _host.Run("issue", "--channel", Channel, "--key-file", keyFile);

        run.ExitCode.Should().Be(0, run.ToString());
        run.ErrorLines[0].Should().Be($"key 1: key file {keyFile} (created now)");
        File.Exists(keyFile).Should().BeTrue();
    }

    private static JsonElement Json(SampleRun run)
    {
        using var document = JsonDocument.Parse(run.Output);
        return document.RootElement.Clone();
    }
}
