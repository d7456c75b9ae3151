using System.Diagnostics;
using System.Text;
using Mix.Invitations.Tests.TestSupport;

namespace Mix.Invitations.Tests.Jids;

/// <summary>
/// Invariant globalization is fixed when a process starts, so this runs the test assembly again as a child process
/// with DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 (see <see cref="TestEntryPoint"/>) and checks what it parsed.
/// </summary>
public class JidInvariantGlobalizationTests
{
    private const string InvariantRefusal = "contains non-ASCII characters, but this process runs with invariant globalization";

    private static readonly Lazy<string[]> Results = new(RunChild);

    private static readonly string[] Inputs =
    [
        "Cat@Shakespeare.LIT/Balcony",
        "j\u00FCliet@example.com",
        "juliet@example.com/b\u00E4lcony",
        "juliet@ex\u00E4mple.com",
        "\uFF2A@example.com",
    ];

    [Fact]
    public void Parse_InvariantGlobalization_ChildProcessIsInvariant()
    {
        Results.Value[0].Should().Be("invariant\tTrue");
    }

    [Fact]
    public void Parse_InvariantGlobalizationAsciiJid_IsNormalized()
    {
        Results.Value[1].Should().Be("ok\tcat@shakespeare.lit/Balcony");
    }

    [Theory]
    [InlineData(2, JidPart.Localpart, "localpart " + InvariantRefusal)]
    [InlineData(3, JidPart.Resourcepart, "resourcepart " + InvariantRefusal)]
    [InlineData(4, JidPart.Domainpart, "domainpart " + InvariantRefusal)]
    [InlineData(5, JidPart.Localpart, "localpart " + InvariantRefusal)]
    public void Parse_InvariantGlobalizationNonAsciiPart_FailsSayingWhy(int line, JidPart part, string message)
    {
        Results.Value[line].Should().StartWith($"error\t{part}\t{message}");
    }

    private static string[] RunChild()
    {
        var start = new ProcessStartInfo(Shared.DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(typeof(TestEntryPoint).Assembly.Location);
        foreach (var input in Inputs)
        {
            start.ArgumentList.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(input)));
        }

        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment[TestEntryPoint.ModeVariable] = TestEntryPoint.ParseJidsMode;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue("the child process should finish");
        process.ExitCode.Should().Be(0, stderr.Result);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().HaveCount(Inputs.Length + 1, stdout + stderr.Result);
        return lines;
    }
}
