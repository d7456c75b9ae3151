using System.Diagnostics;
using System.Text;

namespace Mix.Invitations.Sample.Tests.TestSupport;

/// <summary>Starts the built sample as its own process (<c>dotnet mix-invitations.dll …</c>), as a user's shell would.</summary>
internal static class SampleProcess
{
    public static SampleRun Run(string configDirectory, string? standardInput, params string[] args) =>
        Run(configDirectory, standardInput, null, args);

    /// <summary>Runs it with <paramref name="variables"/> set in its environment (and MIX_INVITATIONS_REDIS removed unless given).</summary>
    public static SampleRun Run(string configDirectory, string? standardInput, IReadOnlyDictionary<string, string>? variables, params string[] args)
    {
        var start = new ProcessStartInfo(Mix.Invitations.Tests.Shared.DotnetHost.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mix-invitations.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Never the user's own key: a temporary configuration folder, and no key in the environment.
        start.Environment["XDG_CONFIG_HOME"] = configDirectory;
        start.Environment.Remove("MIX_INVITATIONS_KEY");
        start.Environment.Remove("MIX_INVITATIONS_REDIS");
        foreach (var (name, value) in variables ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }

        process.StandardInput.Close();
        process.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue("the sample should finish");
        return new SampleRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
