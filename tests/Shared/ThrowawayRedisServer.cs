using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mix.Invitations.Tests.Shared;

/// <summary>
/// A redis-server process of the caller's own, for the benchmarks: a free loopback port, a temporary directory, no
/// persistence (<c>--save ""</c>, <c>--appendonly no</c>); killed and its directory deleted on dispose. The Redis test
/// suite has a richer one of its own (restart, AOF, replicas, xunit skips); this one only starts, answers where, and stops.
/// </summary>
internal sealed class ThrowawayRedisServer : IDisposable
{
    private readonly Process _process;

    private ThrowawayRedisServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    /// <summary>Gets the redis-server executable on the path (or named by MIX_INVITATIONS_REDIS_SERVER), or <see langword="null"/> when there is none.</summary>
    public static string? Executable { get; } = RedisServerBinary.Executable;

    /// <summary>Gets the loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Gets its temporary working directory (its log is <c>redis.log</c> there).</summary>
    public string Directory { get; }

    /// <summary>Starts a server (with <paramref name="arguments"/> added, for example <c>--replicaof</c>) and waits until it answers PING.</summary>
    /// <exception cref="InvalidOperationException">Thrown when redis-server is not installed, or did not start answering within ten seconds.</exception>
    public static ThrowawayRedisServer Start(params string[] arguments)
    {
        var executable = Executable ?? throw new InvalidOperationException("redis-server is not installed (Debian package redis-server).");
        var port = RedisServerBinary.FreeLoopbackPort();
        var directory = System.IO.Directory.CreateTempSubdirectory("mixinv-bench-redis-").FullName;
        var info = new ProcessStartInfo(executable) { UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", Path.Combine(directory, "redis.log"),

            // A replica's first sync starts at once, not after the 5 s Redis waits by default for more replicas.
            "--repl-diskless-sync-delay", "0",
        }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        var server = new ThrowawayRedisServer(process, port, directory);
        try
        {
            server.WaitForPing();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process and deletes its directory.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temporary directory is harmless
        }
    }

    private void WaitForPing()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {ReadLog()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                using var stream = client.GetStream();
                stream.ReadTimeout = 1000;
                stream.Write("PING\r\n"u8);
                var buffer = new byte[64];
                var read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                // not listening yet
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING: {ReadLog()}");
    }

    private string ReadLog() => RedisServerBinary.ReadLog(Directory);
}
