using System.Globalization;
using System.Text.RegularExpressions;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>What the interop suite needs from the machine for one server, and whether its absence skips or fails the suite.</summary>
internal sealed partial class InteropRequirements
{
    /// <summary>The xmpp.js release the driver pins needs Node.js 20.10 or later.</summary>
    public static readonly Version MinimumNode = new(20, 10);

    public const string InstallHint = "install them with `apt-get install prosody ejabberd nodejs npm` (Node.js >= 20.10)";

    private InteropRequirements(XmppServerKind server, string? missing)
    {
        Server = server;
        Missing = missing;
    }

    /// <summary>Gets a value indicating whether CI asked for the suite to fail rather than skip (MIX_INVITATIONS_REQUIRE_INTEROP=1).</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable("MIX_INVITATIONS_REQUIRE_INTEROP") == "1";

    public XmppServerKind Server { get; }

    public string? Prosody { get; private init; }

    public string? ProsodyCtl { get; private init; }

    /// <summary>Gets the <c>erl</c> that Debian's ejabberdctl runs (its <c>ERL=</c> line).</summary>
    public string? Erl { get; private init; }

    /// <summary>Gets where ejabberd's Erlang applications are (ejabberdctl's <c>ERL_LIBS=</c> line).</summary>
    public string? ErlLibs { get; private init; }

    public string? Node { get; private init; }

    public string? Npm { get; private init; }

    /// <summary>Gets what is missing, worded for the skip message, or null when everything is there.</summary>
    public string? Missing { get; }

    public static async Task<InteropRequirements> DetectAsync(XmppServerKind server)
    {
        var node = ProcessRunner.FindOnPath("node");
        var npm = ProcessRunner.FindOnPath("npm");
        var missing = new List<string>();
        string? prosody = null, prosodyctl = null, erl = null, erlLibs = null;
        if (server == XmppServerKind.Prosody)
        {
            prosody = ProcessRunner.FindOnPath("prosody");
            prosodyctl = ProcessRunner.FindOnPath("prosodyctl");
            if (prosody is null || prosodyctl is null)
            {
                missing.Add("Prosody (prosody, prosodyctl)");
            }
        }
        else
        {
            // Debian installs ejabberdctl in /usr/sbin, which a non-root PATH may lack.
            var ejabberdctl = ProcessRunner.FindOnPath("ejabberdctl") ?? (File.Exists("/usr/sbin/ejabberdctl") ? "/usr/sbin/ejabberdctl" : null);
            if (ejabberdctl is null)
            {
                missing.Add("ejabberd (ejabberdctl)");
            }
            else
            {
                var script = await File.ReadAllTextAsync(ejabberdctl);
                erl = ShellAssignment(script, "ERL");
                erlLibs = ShellAssignment(script, "ERL_LIBS");
                if (erl is null || !File.Exists(erl) || erlLibs is null || !System.IO.Directory.Exists(erlLibs))
                {
                    missing.Add($"ejabberd's Erlang runtime (ERL={erl ?? "?"}, ERL_LIBS={erlLibs ?? "?"} as {ejabberdctl} names them)");
                }
            }
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
            : $"The interop suite on {server} needs {string.Join(", ", missing)}: {InstallHint}.";
        return new InteropRequirements(server, message)
        {
            Prosody = prosody,
            ProsodyCtl = prosodyctl,
            Erl = erl,
            ErlLibs = erlLibs,
            Node = node,
            Npm = npm,
        };
    }

    /// <summary>The value of a top-level <c>NAME="value"</c> or <c>NAME='value'</c> line of a shell script.</summary>
    private static string? ShellAssignment(string script, string name)
    {
        foreach (Match match in Assignment().Matches(script))
        {
            if (match.Groups["name"].Value == name)
            {
                return match.Groups["value"].Value;
            }
        }

        return null;
    }

    [GeneratedRegex("""^(?<name>[A-Z_]+)=["']?(?<value>[^"'\s]+)["']?\s*$""", RegexOptions.Multiline)]
    private static partial Regex Assignment();
}
