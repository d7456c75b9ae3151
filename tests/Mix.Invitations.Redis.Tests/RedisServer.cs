using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

using Mix.Invitations.Tests.Shared;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// A redis-server process of the tests' own: a free loopback port, a temporary directory, no RDB snapshots,
/// optionally AOF persistence, optionally a replica of another such server or a Redis Cluster node; killed and deleted on
/// dispose. Restart keeps the port, the directory and the arguments.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private const string MissingMessage = "redis-server is not installed (Debian package redis-server: apt-get install redis-server), so the Redis ledger tests cannot run.";

    private readonly bool _appendOnly;
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;

    private RedisServer(bool appendOnly, IReadOnlyList<string> arguments)
    {
        _appendOnly = appendOnly;
        _arguments = arguments;
        Port = RedisServerBinary.FreeLoopbackPort();
        Directory = System.IO.Directory.CreateTempSubdirectory("mixinv-redis-").FullName;
    }

    /// <summary>Gets the redis-server executable, or <see langword="null"/> when it is not installed.</summary>
    public static string? Executable { get; } = RedisServerBinary.Executable;

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Gets a StackExchange.Redis configuration string.</summary>
    /// <remarks>
    /// A stopped server fails fast without short command timeouts: its sockets close at once and, with the fail-fast
    /// backlog, commands fail while disconnected. Command timeouts are kept generous (5 s) because a timeout under a
    /// loaded machine would turn into LedgerUnavailable and fail a test that is not about faults.
    /// </remarks>
    public string ConnectionString =>
        $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000,connectRetry=1,keepAlive=1";

    /// <summary>Connects as a node would: commands fail at once (no backlog) while the server is down.</summary>
    /// <param name="commandTimeoutMs">A command timeout shorter than the default, for the tests of a server that stops answering; <see langword="null"/> for the default.</param>
    public Task<ConnectionMultiplexer> ConnectAsync(int? commandTimeoutMs = null)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (commandTimeoutMs is { } timeout)
        {
            options.AsyncTimeout = timeout;
            options.SyncTimeout = timeout;
        }

        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Skips the calling test when redis-server is missing — or fails it when MIX_INVITATIONS_REQUIRE_REDIS=1.</summary>
    public static void Require()
    {
        if (Executable is not null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MIX_INVITATIONS_REQUIRE_REDIS") == "1")
        {
            throw new InvalidOperationException(MissingMessage + " MIX_INVITATIONS_REQUIRE_REDIS=1 makes that a failure.");
        }

        Assert.Skip(MissingMessage);
    }

    /// <summary>Starts a server and waits until it answers PING.</summary>
    public static RedisServer Start(bool appendOnly = false) => Start(appendOnly, []);

    /// <summary>Starts a replica of <paramref name="primary"/> and waits until it is in sync (<c>master_link_status:up</c>).</summary>
    public static RedisServer StartReplicaOf(RedisServer primary)
    {
        var replica = Start(appendOnly: false, ["--replicaof", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            replica.WaitForReplicaInSync();
            return replica;
        }
        catch
        {
            replica.Dispose();
            throw;
        }
    }

    /// <summary>Starts a server with more arguments (a cluster node, a replica) and waits until it answers PING.</summary>
    internal static RedisServer Start(bool appendOnly, IReadOnlyList<string> arguments)
    {
        Require();
        var server = new RedisServer(appendOnly, arguments);
        try
        {
            server.Restart();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Starts the process (again) on the same port and directory and waits for PING.</summary>
    public void Restart()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The server is running.");
        }

        var info = new ProcessStartInfo(Executable!)
        {
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", string.Empty,
            "--appendonly", _appendOnly ? "yes" : "no",
            "--appendfsync", "always",
            "--daemonize", "no",
            "--logfile", Path.Combine(Directory, "redis.log"),

            // A replica's first sync starts at once, not after the 5 s Redis waits by default for more replicas to join it.
            "--repl-diskless-sync-delay", "0",
        }.Concat(_arguments))
        {
            info.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        WaitForPing();
    }

    /// <summary>Kills the process at once (SIGKILL: no shutdown save, as a crash).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Gets a value indicating whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Sends one command and returns its reply as text (a bulk string's contents, or the status/error/integer line).</summary>
    /// <exception cref="IOException">Thrown when the server does not answer.</exception>
    public string Query(params string[] command) => QueryInOrder([command]);

    /// <summary>Sends commands one after the other on one connection and returns the last one's reply as text (for example READONLY, then a read on a cluster replica).</summary>
    /// <exception cref="IOException">Thrown when the server does not answer.</exception>
    public string QueryInOrder(params string[][] commands)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port);
        using var stream = client.GetStream();
        stream.ReadTimeout = 5000;
        var reply = string.Empty;
        foreach (var command in commands)
        {
            reply = Send(stream, command);
        }

        return reply;
    }

    private string Send(NetworkStream stream, string[] command)
    {
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        var reply = new List<byte>();
        var buffer = new byte[8192];
        while (true)
        {
            var read = stream.Read(buffer);
            if (read == 0)
            {
                throw new IOException($"redis-server on port {Port} closed the connection.");
            }

            reply.AddRange(buffer.AsSpan(0, read));
            var text = Encoding.UTF8.GetString(reply.ToArray());
            var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                continue;
            }

            if (text[0] != '$')
            {
                return text[1..lineEnd];
            }

            var length = int.Parse(text[1..lineEnd], System.Globalization.CultureInfo.InvariantCulture);
            if (length < 0)
            {
                return string.Empty;
            }

            if (reply.Count >= lineEnd + 2 + length + 2)
            {
                return Encoding.UTF8.GetString(reply.ToArray(), lineEnd + 2, length);
            }
        }
    }

    /// <summary>Starts <c>MONITOR</c> on a connection of its own: every command the server runs from then on, one line each, until disposed.</summary>
    public RedisMonitor Monitor() => new(Port);

    /// <summary>Waits (bounded: 30 s) until this replica's link to its primary is up and the initial sync is done.</summary>
    public void WaitForReplicaInSync()
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var info = Query("INFO", "replication");
            if (info.Contains("master_link_status:up", StringComparison.Ordinal) && info.Contains("master_sync_in_progress:0", StringComparison.Ordinal))
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException($"The replica on port {Port} did not get in sync: {ReadLog()}");
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp directory is harmless
        }
    }

    private void WaitForPing()
    {
        // Bounded: 200 tries, 50 ms apart.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {ReadLog()}");
            }

            if (TryPing())
            {
                return;
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING: {ReadLog()}");
    }

    private bool TryPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 1000;
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    internal string ReadLog() => RedisServerBinary.ReadLog(Directory);
}
