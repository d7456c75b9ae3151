using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>The sample as a user runs it: separate processes that share nothing but files.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void IssueThenVerify_TwoProcessesSharingAKeyFile_Valid()
    {
        var keyFile = Path.Combine(_host.Directory, "shared.key");

        var issued = SampleProcess.Run(_host.ConfigDirectory, null, "issue", "--channel", "coven@mix.shakespeare.example", "--invitee", "cat@shakespeare.example", "--key-file", keyFile);
        var verified = SampleProcess.Run(_host.ConfigDirectory, issued.Output, "verify", "-", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example/balcony", "--key-file", keyFile);

        issued.ExitCode.Should().Be(0, issued.ToString());
        verified.ExitCode.Should().Be(0, verified.ToString());
        verified.OutputLines[0].Should().Be("valid: cat@shakespeare.example may join coven@mix.shakespeare.example");
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse("with --key-file no dev key is created");
    }

    [Fact]
    public void IssueThenVerify_TwoProcessesSharingTheDevKey_ValidForTheInviteeOnly()
    {
        var issued = SampleProcess.Run(_host.ConfigDirectory, null, "issue", "--channel", "coven@mix.shakespeare.example", "--invitee", "cat@shakespeare.example");
        var path = _host.WriteFile("invitation.xml", issued.Output);

        var valid = SampleProcess.Run(_host.ConfigDirectory, null, "verify", "@" + path, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");
        var refused = SampleProcess.Run(_host.ConfigDirectory, null, "verify", "@" + path, "--channel", "coven@mix.shakespeare.example", "--joiner", "rat@shakespeare.example");

        issued.ErrorLines[0].Should().Be($"key 1: dev key {_host.DevKeyPath} (created now)");
        valid.ExitCode.Should().Be(0, valid.ToString());
        valid.ErrorLines[0].Should().Be($"key 1: dev key {_host.DevKeyPath}");
        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.OutputLines[0].Should().StartWith("refused: InviteeMismatch");
    }

    [Fact]
    public void Demo_NoArguments_ExitsZeroWithTwentyOneSteps()
    {
        var run = SampleProcess.Run(_host.ConfigDirectory, null);

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Count(l => l.Length > 2 && char.IsAsciiDigit(l[0])).Should().Be(21);
        run.Output.Should().Contain("Every step turned out as expected.");
    }

    [Fact]
    public void BadInput_RealConsole_OneLineNoStackTrace()
    {
        var run = SampleProcess.Run(_host.ConfigDirectory, "<invitation", "verify", "-", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: not an invitation:");
    }
}
