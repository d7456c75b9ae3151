using System.Net;
using System.Net.Sockets;

namespace Mix.Invitations.Tests.Shared;

/// <summary>
/// What every throwaway redis-server of the tests and benchmarks needs alike: where the binary is, a free loopback
/// port, and the server's log for an error message.
/// </summary>
internal static class RedisServerBinary
{
    /// <summary>Gets the redis-server binary: <c>MIX_INVITATIONS_REDIS_SERVER</c> when set (pointing nowhere shows the skip path), else the first on PATH or in the usual directories; <see langword="null"/> when there is none.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>A loopback port free at the moment of the call.</summary>
    /// <returns>The port.</returns>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The <c>redis.log</c> a server wrote into its directory, for the message of a failure.</summary>
    /// <param name="directory">The server's directory.</param>
    /// <returns>The log, or <c>(no log)</c>.</returns>
    public static string ReadLog(string directory)
    {
        var log = Path.Combine(directory, "redis.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("MIX_INVITATIONS_REDIS_SERVER") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/sbin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
