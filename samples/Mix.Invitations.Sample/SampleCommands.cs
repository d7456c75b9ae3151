using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>The command tree: <c>demo</c> (also the default), <c>issue</c>, <c>verify</c>, <c>narrow</c>, <c>list</c> and <c>revoke</c>.</summary>
internal static class SampleCommands
{
    public static RootCommand Create(SampleEnvironment environment)
    {
        var root = new RootCommand(
            "Mix.Invitations sample: issue, verify, narrow (no key), list and revoke XEP-0407 MIX channel invitations (list and revoke, and state shared across runs, with --redis). With no command, runs the demo.");
        root.Subcommands.Add(DemoCommand.Create(environment));
        root.Subcommands.Add(IssueCommand.Create(environment));
        root.Subcommands.Add(VerifyCommand.Create(environment));
        root.Subcommands.Add(NarrowCommand.Create(environment));
        root.Subcommands.Add(ListCommand.Create(environment));
        root.Subcommands.Add(RevokeCommand.Create(environment));
        root.SetAction((parse, cancellationToken) => DemoCommand.RunAsync(parse.InvocationConfiguration.Output, environment, cancellationToken));
        return root;
    }

    /// <summary>The option both issue and verify take.</summary>
    public static Option<string> KeyFileOption() => new("--key-file")
    {
        Description = $"A file holding the key as base64 (created with a new random key if missing). Default: ${SigningKey.EnvironmentVariable} (base64), else a dev key in $XDG_CONFIG_HOME or the per-user application-data folder, under mix-invitations/dev-key.",
        HelpName = "path",
    };
}
