using System.Text.Json;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary><c>issue --grant-*</c> signs grants into the token; <c>verify</c> shows them, and what a narrowing left of them.</summary>
public sealed class IssueGrantsTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Issue_EveryGrant_IsSignedIntoTheToken_AndVerifyShowsIt()
    {
        var run = _host.Run("issue", "--channel", Channel, "--invitee", "cat@shakespeare.example", "--grant-role", "2", "--grant-nodes", "messages, Presence,urn:xmpp:mix:nodes:info", "--grant-nick", "Kitty", "--grant-label", "spring");

        run.ExitCode.Should().Be(0, run.ToString());
        run.ErrorLines[1].Should().Be($"issued invitee-bound invitation to {Channel}, expires 2026-03-21T15:09:26Z, grants role 2, nodes messages+presence+info, nick \"Kitty\", label \"spring\"");
        var verified = _host.Run("verify", run.Output, "--channel", Channel, "--joiner", "cat@shakespeare.example");
        verified.ExitCode.Should().Be(0, verified.ToString());
        verified.OutputLines.Should().HaveCount(8).And.EndWith("  grants:   role 2, nodes messages+presence+info, nick \"Kitty\", label \"spring\"");
    }

    [Fact]
    public void Issue_OneRoleGrant_StaysShort_AndJsonListsTheGrants()
    {
        var run = _host.Run("issue", "--channel", Channel, "--grant-role", "7", "--grant-nodes", "messages", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = JsonDocument.Parse(run.Output).RootElement;
        json.GetProperty("token").GetString()!.Length.Should().BeLessThanOrEqualTo(48);
        json.GetProperty("grants").GetProperty("role").GetInt32().Should().Be(7);
        json.GetProperty("grants").GetProperty("nodes").EnumerateArray().Select(n => n.GetString()).Should().Equal("urn:xmpp:mix:nodes:messages");
    }

    [Theory]
    [InlineData("--grant-role", "0", "error: --grant-role: '0' is not a role id; write a whole number from 1 to 255")]
    [InlineData("--grant-role", "256", "error: --grant-role: '256' is not a role id")]
    [InlineData("--grant-nodes", "messages,chat", "error: --grant-nodes: 'chat' is not a node; use messages, presence,")]
    [InlineData("--grant-nick", "a-very-long-nickname", "error: --grant-nick: 20 bytes of UTF-8; a token carries 1 to 16")]
    [InlineData("--grant-label", "", "error: --grant-label: 0 bytes of UTF-8; a token carries 1 to 10")]
    [InlineData("--grant-label", "a\tb", "error: --grant-label: control characters (tabs, line breaks) are not allowed")]
    public void Issue_BadGrant_IsRefusedBeforeAnyKey(string option, string value, string error)
    {
        var run = _host.Run("issue", "--channel", Channel, option, value);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith(error);
        File.Exists(_host.DevKeyPath).Should().BeFalse("a typo never creates a key file");
    }

    [Fact]
    public void Issue_WithoutGrants_VerifyPrintsNoGrantOrNarrowingLines()
    {
        var xml = _host.Run("issue", "--channel", Channel, "--invitee", "cat@shakespeare.example").Output;

        var verified = _host.Run("verify", xml, "--channel", Channel, "--joiner", "cat@shakespeare.example");

        verified.OutputLines.Should().HaveCount(7).And.NotContain(l => l.StartsWith("  grants:", StringComparison.Ordinal) || l.StartsWith("  narrowed:", StringComparison.Ordinal));
    }
}
