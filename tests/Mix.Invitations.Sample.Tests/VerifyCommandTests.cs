using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

public sealed class VerifyCommandTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Verify_IssuedInOneInvocation_IsValidInTheNext()
    {
        var xml = IssueInviteeBound();

        var run = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example/balcony");

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().HaveCount(7);
        run.OutputLines[0].Should().Be($"valid: cat@shakespeare.example may join {Channel}");
        run.OutputLines[1].Should().Be("  policy:   invitee-bound");
        run.OutputLines[2].Should().Be("  key id:   1");
        run.OutputLines[3].Should().Be("  issued:   2026-03-14T15:09:26Z");
        run.OutputLines[4].Should().Be("  expires:  2026-03-21T15:09:26Z");
        run.OutputLines[5].Should().Be("  uses:     unlimited");
        run.OutputLines[6].Should().MatchRegex("^  token id: [0-9a-f]{32}$");
        run.ErrorLines.Should().Equal($"key 1: dev key {_host.DevKeyPath}");
    }

    [Fact]
    public void Verify_FromFile_ReadsTheXml()
    {
        var path = _host.WriteFile("invitation.xml", IssueInviteeBound());

        var run = _host.Run("verify", "@" + path, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public void Verify_FromStandardInput_ReadsTheXml()
    {
        _host.StandardInput = IssueInviteeBound();

        var run = _host.Run("verify", "-", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public void Verify_JoinStanza_FindsTheInvitationInside()
    {
        var invitation = InvitationXml.Read<Invitation>(IssueInviteeBound());
        var join = $"<iq type='set' to='{Channel}' xmlns='jabber:client'>{new MixJoin(invitation).ToXml()}</iq>";

        var run = _host.Run("verify", join, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Theory]
    [InlineData("uri")]
    [InlineData("link")]
    public void Verify_Uri_AcceptsXmppUrisAndLandingLinks(string format)
    {
        var issued = _host.Run("issue", "--channel", Channel, "--format", format, "--no-qr");
        issued.ExitCode.Should().Be(0, issued.ToString());

        var run = _host.Run("verify", "--uri", issued.OutputLines[0], "--channel", "coven@mix.shakespeare.example", "--joiner", "anyone@example.net");

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines[1].Should().Be("  policy:   unbound");
    }

    [Fact]
    public void Verify_AnotherJoiner_IsRefusedWithTheStanzaError()
    {
        var run = _host.Run("verify", IssueInviteeBound(), "--channel", "coven@mix.shakespeare.example", "--joiner", "rat@shakespeare.example");

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().Be("refused: InviteeMismatch (auth/forbidden: The invitation was issued to another user.)");
        run.OutputLines[1].Should().Be("the server would answer the <join/> with:");
        var error = System.Xml.Linq.XElement.Parse(string.Join("\n", run.OutputLines.Skip(2)));
        error.Name.LocalName.Should().Be("error");
        error.Attribute("type")!.Value.Should().Be("auth");
        error.Elements().Select(e => e.Name.LocalName).Should().Equal("forbidden", "text");
    }

    [Fact]
    public void Verify_AnotherChannel_IsRefused()
    {
        var run = _host.Run("verify", IssueInviteeBound(), "--joiner", "cat@shakespeare.example", "--channel", "other@mix.shakespeare.example");

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().StartWith("refused: ChannelMismatch");
    }

    [Fact]
    public void Verify_OneCharacterOfTheTokenChanged_IsRefused()
    {
        var xml = IssueInviteeBound();
        var token = InvitationXml.Read<Invitation>(xml).Token;
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];

        var run = _host.Run("verify", xml.Replace(token, tampered, StringComparison.Ordinal), "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().Be("refused: BadSignature (auth/forbidden: The invitation is not valid.)");
    }

    [Fact]
    public void Verify_InviteeEditedInTheXml_IsRefused()
    {
        var xml = IssueInviteeBound().Replace("cat@", "rat@", StringComparison.Ordinal);

        var run = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "rat@shakespeare.example");

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().StartWith("refused: BadSignature");
    }

    [Fact]
    public void Verify_AfterExpiry_IsRefused()
    {
        var xml = IssueInviteeBound("--lifetime", "1h");
        _host.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        var run = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().Be("refused: Expired (cancel/not-allowed: The invitation has expired.)");
    }

    [Fact]
    public void Verify_AnotherKey_IsRefused()
    {
        var xml = IssueInviteeBound();

        var run = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example", "--key-file", _host.WriteFile("other.key", Convert.ToBase64String(new byte[32])));

        run.ExitCode.Should().Be(1, run.ToString());
        run.OutputLines[0].Should().StartWith("refused: BadSignature");
    }

    [Fact]
    public void Verify_UseLimited_ShowsTheLimitAndStaysValidBecauseVerifyRecordsNothing()
    {
        var xml = IssueInviteeBound("--uses", "1");

        var first = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");
        var second = _host.Run("verify", xml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        first.ExitCode.Should().Be(0, first.ToString());
        first.OutputLines[5].Should().Be("  uses:     1 (counted by the server's ledger when redeemed; verify records nothing)");
        second.ExitCode.Should().Be(0, "verify is stateless: single use is a ledger's job at redemption");
    }

    [Fact]
    public void Verify_Help_SaysItIsStatelessWithoutRedis_AndRedeemsWithIt()
    {
        var run = _host.Run("verify", "--help");

        run.ExitCode.Should().Be(0);
        run.Output.Should().Contain("Without --redis: stateless, nothing is recorded")
            .And.Contain("With --redis: redeemed through the shared ledger")
            .And.Contain("Exit code 0 valid, 1 refused, 2 usage or input error, 5 Redis unreachable");
    }

    private string IssueInviteeBound(params string[] extra)
    {
        var issued = _host.Run(["issue", "--channel", Channel, "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example", .. extra]);
        issued.ExitCode.Should().Be(0, issued.ToString());
        return issued.Output;
    }
}
