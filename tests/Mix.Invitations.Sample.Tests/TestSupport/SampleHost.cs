using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Sample.Tests.TestSupport;

/// <summary>
/// Runs the sample's commands in-process, as separate invocations that share only what a user's machine shares: a
/// temporary configuration folder (for the dev key), environment variables, files, and a fake clock.
/// </summary>
internal sealed class SampleHost : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public SampleHost()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mix-invitations-sample-tests", Guid.NewGuid().ToString("n"));
        System.IO.Directory.CreateDirectory(Directory);
        Variables["XDG_CONFIG_HOME"] = ConfigDirectory;
    }

    /// <summary>Gets a temporary folder removed on dispose; the configuration folder is inside it.</summary>
    public string Directory { get; }

    public string ConfigDirectory => Path.Combine(Directory, "config");

    public string DevKeyPath => Path.Combine(ConfigDirectory, "mix-invitations", "dev-key");

    public Dictionary<string, string?> Variables { get; } = [];

    public string StandardInput { get; set; } = string.Empty;

    public FakeTimeProvider Time { get; } = new(Start);

    public SampleRun Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new SampleEnvironment
        {
            GetVariable = name => Variables.GetValueOrDefault(name),
            StandardInput = () => new StringReader(StandardInput),
            TimeProvider = Time,
            DefaultConfigDirectory = () => throw new InvalidOperationException("A test must not touch the user's own configuration folder."),
        };
        var exitCode = Program.Run(args, output, error, environment);
        return new SampleRun(exitCode, output.ToString(), error.ToString());
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>One invocation's exit code and what it wrote.</summary>
internal sealed record SampleRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}
