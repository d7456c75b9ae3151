using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>
/// A throwaway ejabberd (Debian's package): its own ejabberd.yml, Mnesia spool, log, Erlang cookie and HOME in a
/// temporary directory, listening on loopback only, on free ports, with a <c>localhost</c> host and one external
/// component (<c>ejabberd_service</c>). It runs the node directly with <c>erl</c>, as <c>ejabberdctl foreground</c>
/// does, but without ejabberdctl's switch to the <c>ejabberd</c> system user and without epmd: the node's
/// distribution listens on a fixed loopback port (<c>-erl_epmd_port</c>), where the one-off control nodes that
/// register the users (<c>ejabberd_ctl status</c> and <c>register</c>, what <c>ejabberdctl</c> runs) reach it.
/// </summary>
internal sealed class EjabberdServer : IXmppServer
{
    private readonly Process _process;
    private readonly StringBuilder _console;

    private EjabberdServer(string directory, int clientPort, int componentPort, string componentSecret, Process process, StringBuilder console)
    {
        Directory = directory;
        ClientPort = clientPort;
        ComponentPort = componentPort;
        ComponentSecret = componentSecret;
        _process = process;
        _console = console;
    }

    public string Directory { get; }

    public int ClientPort { get; }

    public int ComponentPort { get; }

    public string ComponentSecret { get; }

    public string LogFile => Path.Combine(Directory, "logs", "ejabberd.log");

    /// <summary>Writes the config, starts ejabberd, waits until both ports accept connections, then registers the users.</summary>
    public static async Task<EjabberdServer> StartAsync(InteropRequirements tools, string componentDomain, IReadOnlyDictionary<string, string> users)
    {
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var directory = Path.Combine(Path.GetTempPath(), "mix-invitations-ejabberd-" + suffix);
        foreach (var sub in new[] { "spool", "logs", "home" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        var clientPort = ProsodyServer.FreePort();
        var componentPort = ProsodyServer.FreePort();
        var distributionPort = ProsodyServer.FreePort();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var cookie = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var node = $"mixinterop{suffix}@localhost";
        var config = Path.Combine(directory, "ejabberd.yml");
        await File.WriteAllTextAsync(config, Config(clientPort, componentPort, componentDomain, secret));
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(directory, "home"),
            ["EJABBERD_CONFIG_PATH"] = config,
            ["EJABBERD_LOG_PATH"] = Path.Combine(directory, "logs", "ejabberd.log"),
            ["ERL_LIBS"] = tools.ErlLibs!,
            ["ERL_CRASH_DUMP"] = Path.Combine(directory, "logs", "erl_crash.dump"),
            ["ERL_CRASH_DUMP_BYTES"] = "0",
        };

        // The cookie goes on the command line of a loopback-only node that lives for one test run: a secret of this run only.
        string[] distribution = ["-setcookie", cookie, "-erl_epmd_port", distributionPort.ToString(CultureInfo.InvariantCulture), "-start_epmd", "false", "-kernel", "inet_dist_use_interface", "{127,0,0,1}"];
        var start = new ProcessStartInfo(tools.Erl!)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-sname", node, "-noinput", .. distribution, "-mnesia", "dir", ErlangString(Path.Combine(directory, "spool")), "-s", "ejabberd"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start erl (ejabberd).");
        var console = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (console) { console.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (console) { console.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new EjabberdServer(directory, clientPort, componentPort, secret, process, console);

        // Each command is a hidden control node that connects to the server's distribution port, runs one ejabberd_ctl
        // command (what ejabberdctl runs) and exits.
        Task<(int ExitCode, string Output)> Control(string[] command) => ProcessRunner.RunAsync(
            tools.Erl!,
            ["-sname", $"mixctl{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}@localhost", "-hidden", "-noinput", .. distribution, "-dist_listen", "false", "-s", "ejabberd_ctl", "-extra", node, .. command],
            directory,
            TimeSpan.FromSeconds(60),
            environment);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(await ProsodyServer.Accepts(clientPort) && await ProsodyServer.Accepts(componentPort)))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"ejabberd exited with {process.ExitCode} before listening: {server.Console()}\n{server.LogTail()}");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new TimeoutException($"ejabberd did not listen on {clientPort} and {componentPort} within 90 s.\n{server.LogTail()}");
                }

                await Task.Delay(100);
            }

            // Listening is not started: ejabberd opens its ports while the rest of the application may still be
            // starting, and a registration in that moment fails with {aborted,{no_exists,passwd,storage_type}} (seen in
            // CI). `ejabberdctl status` succeeds only once the ejabberd application has finished starting.
            while (true)
            {
                var (statusCode, statusOutput) = await Control(["status"]);
                if (statusCode == 0)
                {
                    break;
                }

                if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(90))
                {
                    throw new TimeoutException($"ejabberd did not report started within 90 s ({statusCode}): {statusOutput}\n{server.LogTail()}");
                }

                await Task.Delay(200);
            }

            await Task.WhenAll(users.Select(async user =>
            {
                // Mnesia tables a host needs may still be loading just after the start: retry only that answer.
                for (var attempt = 1; ; attempt++)
                {
                    var (code, output) = await Control(["register", user.Key, IXmppServer.UserDomain, user.Value]);
                    if (code == 0)
                    {
                        return;
                    }

                    if (attempt >= 20 || !output.Contains("no_exists", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"ejabberd_ctl register {user.Key} failed ({code}) after {attempt} attempt(s): {output}");
                    }

                    await Task.Delay(250);
                }
            }));

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines of ejabberd's log, for failure messages.</summary>
    public string LogTail(int lines = 40) => ThrowawayServer.LogTail(LogFile, lines);

    public ValueTask DisposeAsync() => ThrowawayServer.StopAsync(_process, Directory, entireProcessTree: true);

    private string Console()
    {
        lock (_console)
        {
            return _console.ToString();
        }
    }

    /// <summary>
    /// Loopback only, no TLS (no certificate, STARTTLS not required, so SASL PLAIN in the clear as on the Prosody side),
    /// no s2s, no HTTP; passwords kept in the Mnesia spool; the component listener as the README tells operators to write it.
    /// </summary>
    private static string Config(int clientPort, int componentPort, string componentDomain, string secret) => string.Create(CultureInfo.InvariantCulture, $$"""
        # Written by the Mix.Invitations interop tests: loopback only, no TLS, no s2s, no HTTP.
        hosts:
          - "{{IXmppServer.UserDomain}}"
        loglevel: info
        log_rotate_count: 0
        certfiles: []
        auth_method: internal
        auth_password_format: plain
        listen:
          -
            port: {{clientPort}}
            ip: "127.0.0.1"
            module: ejabberd_c2s
            starttls_required: false
          -
            port: {{componentPort}}
            ip: "127.0.0.1"
            module: ejabberd_service
            hosts:
              "{{componentDomain}}":
                password: "{{secret}}"
        s2s_access: none
        acl:
          local:
            user_regexp: ""
        access_rules:
          local:
            allow: local
          c2s:
            allow: all
        modules:
          mod_disco: {}
          mod_ping: {}
          mod_roster: {}
        """);

    private static string ErlangString(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
