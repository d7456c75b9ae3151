using System.Globalization;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>What the interop suite needs from the machine, and whether its absence skips or fails the suite.</summary>
internal sealed class InteropRequirements
{
    /// <summary>The xmpp.js release the driver pins needs Node.js 20.10 or later.</summary>
    public static readonly Version MinimumNode = new(20, 10);

    public const string InstallHint = "install them with `apt-get install prosody nodejs npm` (Node.js >= 20.10)";

    private InteropRequirements(string? prosody, string? prosodyctl, string? node, string? npm, string? missing)
    {
        Prosody = prosody;
        ProsodyCtl = prosodyctl;
        Node = node;
        Npm = npm;
        Missing = missing;
    }

    /// <summary>Gets a value indicating whether CI asked for the suite to fail rather than skip (MIX_INVITATIONS_REQUIRE_INTEROP=1).</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable("MIX_INVITATIONS_REQUIRE_INTEROP") == "1";

    public string? Prosody { get; }

    public string? ProsodyCtl { get; }

    public string? Node { get; }

    public string? Npm { get; }

    /// <summary>Gets what is missing, worded for the skip message, or null when everything is there.</summary>
    public string? Missing { get; }

    public static async Task<InteropRequirements> DetectAsync()
    {
        var prosody = ProcessRunner.FindOnPath("prosody");
        var prosodyctl = ProcessRunner.FindOnPath("prosodyctl");
        var node = ProcessRunner.FindOnPath("node");
        var npm = ProcessRunner.FindOnPath("npm");
        var missing = new List<string>();
        if (prosody is null || prosodyctl is null)
        {
            missing.Add("Prosody (prosody, prosodyctl)");
        }

        if (node is null)
        {
            missing.Add("Node.js (node)");
        }
        else
        {
            var (code, output) = await ProcessRunner.RunAsync(node, ["--version"], null, TimeSpan.FromSeconds(30));
            if (code != 0 || !Version.TryParse(output.Trim().TrimStart('v'), out var version) || version < MinimumNode)
            {
                missing.Add(string.Create(CultureInfo.InvariantCulture, $"Node.js >= {MinimumNode} (found {output.Trim()})"));
            }
        }

        if (npm is null)
        {
            missing.Add("npm");
        }

        var message = missing.Count == 0
            ? null
            : $"The interop suite needs {string.Join(", ", missing)}: {InstallHint}.";
        return new InteropRequirements(prosody, prosodyctl, node, npm, message);
    }
}
