using System.CommandLine;
using System.Text;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>The README's commands stay accurate: the quick start runs this sample, and every documented command parses.</summary>
public sealed class ReadmeTests : IDisposable
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<string> DocumentedCommands() => new(DocumentedCommandLines());

    [Fact]
    public void QuickStart_FirstCommand_RunsThisSample()
    {
        var quickStart = Readme[Readme.IndexOf("## Quick start", StringComparison.Ordinal)..];
        var commands = quickStart[(quickStart.IndexOf("```\n", StringComparison.Ordinal) + 4)..];
        commands = commands[..commands.IndexOf("```", StringComparison.Ordinal)];

        commands.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('#')[0].Trim())
            .Should().Equal("dotnet run --project samples/Mix.Invitations.Sample", "dotnet test");
        typeof(Program).Assembly.GetName().Name.Should().Be("mix-invitations");
    }

    [Theory]
    [MemberData(nameof(DocumentedCommands))]
    public void Sample_DocumentedCommand_Parses(string commandLine)
    {
        var args = ShellWords(commandLine);
        var environment = new SampleEnvironment { GetVariable = _ => null, StandardInput = () => TextReader.Null };

        var parsed = SampleCommands.Create(environment).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

        parsed.Errors.Should().BeEmpty(commandLine);
    }

    [Fact]
    public void Sample_DocumentedCommands_CoverDemoIssueAndVerify()
    {
        var commands = DocumentedCommandLines().ToArray();

        commands.Should().Contain(c => c.StartsWith("issue ", StringComparison.Ordinal) && c.Contains("--format link", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("issue ", StringComparison.Ordinal) && c.Contains("--format json", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("verify @", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("verify - ", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("verify --uri ", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("narrow --uri ", StringComparison.Ordinal) && c.Contains("--invitee ", StringComparison.Ordinal) && c.Contains("--lifetime ", StringComparison.Ordinal));
        Readme.Should().Contain("| 6 |").And.Contain("| 9 |");
    }

    [Fact]
    public void Sample_DocumentedCommands_CoverTheRedisWalkThrough()
    {
        var commands = DocumentedCommandLines().ToArray();

        commands.Should().Contain(c => c.StartsWith("issue ", StringComparison.Ordinal) && c.Contains("--label", StringComparison.Ordinal) && c.Contains("--redis ", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("list --channel ", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("list ", StringComparison.Ordinal) && c.Contains("--state revoked", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("revoke ", StringComparison.Ordinal) && !c.StartsWith("revoke --", StringComparison.Ordinal));
        commands.Should().Contain(c => c.StartsWith("revoke --channel ", StringComparison.Ordinal) && c.Contains("--inviter ", StringComparison.Ordinal));
        Readme.Should().Contain("MIX_INVITATIONS_REDIS").And.Contain("| 4 |").And.Contain("| 5 |");
    }

    [Fact]
    public void Sample_DemoOutputInReadme_HasTheStepsTheDemoPrintsToday()
    {
        var section = Readme[Readme.IndexOf("$ dotnet run --project samples/Mix.Invitations.Sample\n", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("```", StringComparison.Ordinal)];
        var run = _host.Run();

        StepHeads(section.Split('\n')).Should().Equal(StepHeads(run.OutputLines)).And.HaveCount(21);
    }

    private static IEnumerable<string> DocumentedCommandLines() =>
        Readme.Split('\n').Where(l => l.StartsWith("$ mix-invitations ", StringComparison.Ordinal)).Select(l => l["$ mix-invitations ".Length..]);

    private static string[] StepHeads(IEnumerable<string> lines) =>
        lines.Where(l => l.Length > 2 && char.IsAsciiDigit(l[0])).Select(l => l.Split(':')[0]).ToArray();

    /// <summary>Splits a command line as a POSIX shell would for these examples: double quotes, and redirections dropped.</summary>
    private static string[] ShellWords(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        var inWord = false;
        foreach (var c in commandLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        // "> file" and "< file" belong to the shell.
        var args = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] is ">" or "<")
            {
                i++;
                continue;
            }

            args.Add(words[i]);
        }

        return [.. args];
    }
}
