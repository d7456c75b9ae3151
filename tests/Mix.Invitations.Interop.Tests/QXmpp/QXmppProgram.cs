using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mix.Invitations.Interop.Tests.Infrastructure;
using Xunit.Sdk;

namespace Mix.Invitations.Interop.Tests.QXmpp;

/// <summary>
/// Builds <c>qxmpp/qxmpp_invitations.cpp</c> once against the system's QXmpp (Debian's <c>libqxmpp-dev</c>, 1.4 or
/// later) into a temporary folder, and runs it: a JSON array of read/write operations on stdin, one result each on
/// stdout (the program's header describes them). A missing compiler or library skips the tests (fails them when
/// MIX_INVITATIONS_REQUIRE_INTEROP=1); a program that does not compile always fails them.
/// </summary>
public sealed class QXmppProgram : IAsyncLifetime
{
    public const string InstallHint = "install them with `apt-get install g++ pkg-config libqxmpp-dev`";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private readonly IMessageSink _diagnostics;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mix-qxmpp-" + Guid.NewGuid().ToString("N"));
    private string? _missing;
    private string? _buildFailure;
    private string? _program;

    public QXmppProgram(IMessageSink diagnostics)
    {
        _diagnostics = diagnostics;
    }

    /// <summary>Gets the QXmpp version pkg-config reports, once detected.</summary>
    public string? Version { get; private set; }

    public static string Source => Path.Combine(AppContext.BaseDirectory, "qxmpp", "qxmpp_invitations.cpp");

    public async ValueTask InitializeAsync()
    {
        var compiler = ProcessRunner.FindOnPath("g++");
        var pkgConfig = ProcessRunner.FindOnPath("pkg-config");
        if (compiler is null || pkgConfig is null)
        {
            string[] missing = [.. new[] { (compiler, "g++"), (pkgConfig, "pkg-config") }.Where(t => t.Item1 is null).Select(t => t.Item2)];
            _missing = $"The QXmpp interop tests need {string.Join(" and ", missing)}, and QXmpp >= 1.4: {InstallHint}.";
            return;
        }

        var (exists, _) = await ProcessRunner.RunAsync(pkgConfig, ["--atleast-version=1.4", "qxmpp"], null, RunTimeout);
        if (exists != 0)
        {
            _missing = $"The QXmpp interop tests need QXmpp >= 1.4 (QXmppMixInvitation) with its pkg-config file: {InstallHint}.";
            return;
        }

        Version = (await ProcessRunner.RunAsync(pkgConfig, ["--modversion", "qxmpp"], null, RunTimeout)).Output.Trim();
        var (flagsExit, flags) = await ProcessRunner.RunAsync(pkgConfig, ["--cflags", "--libs", "qxmpp", "Qt5Xml", "Qt5Core"], null, RunTimeout);
        if (flagsExit != 0)
        {
            _missing = $"pkg-config finds QXmpp but not Qt5Xml/Qt5Core ({flags.Trim()}): {InstallHint}.";
            return;
        }

        Directory.CreateDirectory(_directory);
        var program = Path.Combine(_directory, "qxmpp_invitations");
        var watch = Stopwatch.StartNew();
        string[] arguments = ["-std=c++17", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror", Source, "-o", program, .. flags.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
        var (exit, output) = await ProcessRunner.RunAsync(compiler, arguments, _directory, BuildTimeout);
        if (exit != 0 || !File.Exists(program))
        {
            _buildFailure = $"g++ could not build {Source} against QXmpp {Version} (exit {exit}):\n{output}";
            return;
        }

        _program = program;
        _diagnostics.OnMessage(new Xunit.v3.DiagnosticMessage(string.Create(
            CultureInfo.InvariantCulture,
            $"qxmpp: built the interop program against QXmpp {Version} in {watch.Elapsed.TotalSeconds:F1} s")));
    }

    /// <summary>Skips the calling test when g++ or QXmpp is missing (fails it when CI requires interop), and fails it when the program did not build.</summary>
    public void Require()
    {
        if (_buildFailure is not null)
        {
            throw new InvalidOperationException(_buildFailure);
        }

        if (_missing is null)
        {
            return;
        }

        if (InteropRequirements.IsRequired)
        {
            throw new InvalidOperationException($"{_missing} (MIX_INVITATIONS_REQUIRE_INTEROP=1, so this fails instead of skipping)");
        }

        Assert.Skip(_missing);
    }

    /// <summary>Runs the operations in one process and returns one result per operation.</summary>
    public async Task<IReadOnlyList<JsonObject>> RunAsync(IReadOnlyList<JsonObject> operations, CancellationToken cancellationToken)
    {
        Require();
        var start = new ProcessStartInfo(_program!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = _directory,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the QXmpp interop program.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RunTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.StandardInput.WriteAsync(new JsonArray([.. operations.Select(o => (JsonNode)o.DeepClone())]).ToJsonString().AsMemory(), timeout.Token);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The QXmpp interop program exited with {process.ExitCode}: {errors}");
        }

        var results = JsonNode.Parse(output)?.AsArray() ?? throw new InvalidOperationException("The QXmpp interop program printed no JSON array.");
        if (results.Count != operations.Count)
        {
            throw new InvalidOperationException($"The QXmpp interop program answered {results.Count} of {operations.Count} operations.");
        }

        return [.. results.Select(r => r!.AsObject())];
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
