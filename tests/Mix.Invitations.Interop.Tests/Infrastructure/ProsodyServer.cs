using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>
/// A throwaway Prosody: its own config, data, pid file and log in a temporary directory, listening on loopback only,
/// on free ports, with a <c>localhost</c> virtual host and one external component.
/// </summary>
internal sealed class ProsodyServer : IXmppServer
{
    public const string UserDomain = IXmppServer.UserDomain;

    private readonly Process _process;

    private ProsodyServer(string directory, int clientPort, int componentPort, string componentDomain, string componentSecret, Process process)
    {
        Directory = directory;
        ClientPort = clientPort;
        ComponentPort = componentPort;
        ComponentDomain = componentDomain;
        ComponentSecret = componentSecret;
        _process = process;
    }

    public string Directory { get; }

    public int ClientPort { get; }

    public int ComponentPort { get; }

    public string ComponentDomain { get; }

    public string ComponentSecret { get; }

    public string LogFile => Path.Combine(Directory, "prosody.log");

    /// <summary>Writes the config, registers the users, starts Prosody and waits until both ports accept connections.</summary>
    public static async Task<ProsodyServer> StartAsync(InteropRequirements tools, string componentDomain, IReadOnlyDictionary<string, string> users)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mix-invitations-interop-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "certs"));
        var clientPort = FreePort();
        var componentPort = FreePort();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var config = Path.Combine(directory, "prosody.cfg.lua");
        await File.WriteAllTextAsync(config, Config(directory, clientPort, componentPort, componentDomain, secret));

        // Registration writes straight to the data directory; Prosody needs not run yet. Each call is a separate Lua start, so run them side by side.
        await Task.WhenAll(users.Select(async user =>
        {
            var (code, output) = await ProcessRunner.RunAsync(tools.ProsodyCtl!, ["--config", config, "register", user.Key, UserDomain, user.Value], directory, TimeSpan.FromSeconds(60));
            if (code != 0)
            {
                throw new InvalidOperationException($"prosodyctl register {user.Key} failed ({code}): {output}");
            }
        }));

        var start = new ProcessStartInfo(tools.Prosody!)
        {
            ArgumentList = { "-F", "--config", config },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start prosody.");
        var console = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (console) { console.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (console) { console.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ProsodyServer(directory, clientPort, componentPort, componentDomain, secret, process);
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(await Accepts(clientPort) && await Accepts(componentPort)))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prosody exited with {process.ExitCode} before listening: {Describe(console)}\n{server.LogTail()}");
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"prosody did not listen on {clientPort} and {componentPort} within 30 s.\n{server.LogTail()}");
                }

                await Task.Delay(50);
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines of Prosody's log, for failure messages.</summary>
    public string LogTail(int lines = 40) => ThrowawayServer.LogTail(LogFile, lines);

    public ValueTask DisposeAsync() => ThrowawayServer.StopAsync(_process, Directory, entireProcessTree: false);

    private static string Config(string directory, int clientPort, int componentPort, string componentDomain, string secret) => string.Create(CultureInfo.InvariantCulture, $$"""
        -- Written by the Mix.Invitations interop tests: loopback only, no TLS, no s2s, no HTTP.
        pidfile = {{Lua(Path.Combine(directory, "prosody.pid"))}}
        data_path = {{Lua(Path.Combine(directory, "data"))}}
        certificates = {{Lua(Path.Combine(directory, "certs"))}}
        run_as_root = true
        daemonize = false
        interfaces = { "127.0.0.1" }
        local_interfaces = { "127.0.0.1" }
        c2s_ports = { {{clientPort}} }
        component_ports = { {{componentPort}} }
        component_interfaces = { "127.0.0.1" }
        s2s_ports = {}
        c2s_direct_tls_ports = {}
        legacy_ssl_ports = {}
        http_ports = {}
        https_ports = {}
        modules_enabled = { "roster", "saslauth", "disco", "ping", "posix" }
        modules_disabled = { "s2s", "tls", "offline", "c2s_direct_tls", "http", "bosh", "websocket" }
        c2s_require_encryption = false
        s2s_require_encryption = false
        allow_unencrypted_plain_auth = true
        authentication = "internal_plain"
        storage = "internal"
        log = { { levels = { min = "info" }, to = "file", filename = {{Lua(Path.Combine(directory, "prosody.log"))}} } }

        VirtualHost "{{UserDomain}}"

        Component "{{componentDomain}}"
            component_secret = "{{secret}}"
        """);

    private static string Lua(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<bool> Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Describe(StringBuilder console)
    {
        lock (console)
        {
            return console.ToString();
        }
    }
}
