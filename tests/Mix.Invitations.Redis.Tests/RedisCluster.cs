using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// A Redis Cluster of the tests' own: three primaries with one replica each, six redis-server processes on free loopback
/// ports in temporary directories, joined by <c>redis-cli --cluster create</c>; killed and deleted on dispose.
/// </summary>
/// <remarks>
/// Start-up is bounded and waits until every node reports <c>cluster_state:ok</c> and every replica is in sync, so a
/// test starts on a healthy cluster. A short node timeout keeps a failover (a primary killed) to a few seconds.
/// </remarks>
internal sealed class RedisCluster : IDisposable
{
    private const string MissingCliMessage = "redis-cli is not installed (Debian package redis-tools, a dependency of redis-server), so the Redis Cluster tests cannot run.";

    private readonly List<RedisServer> _nodes = [];

    private RedisCluster()
    {
    }

    /// <summary>Gets the redis-cli executable (beside redis-server, or on the path), or <see langword="null"/> when it is not installed.</summary>
    public static string? CliExecutable { get; } = FindCli();

    /// <summary>Gets the six nodes, in the order given to <c>redis-cli --cluster create</c> (the first three start as primaries).</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>Gets a StackExchange.Redis configuration string listing the three primaries the cluster started with.</summary>
    /// <remarks>As <see cref="RedisServer.ConnectionString"/>: generous command timeouts; the topology is read again every second.</remarks>
    public string ConnectionString =>
        string.Join(',', _nodes.Take(3).Select(n => $"127.0.0.1:{n.Port}"))
        + ",abortConnect=false,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000,connectRetry=1,keepAlive=1,configCheckSeconds=1";

    /// <summary>Skips the calling test when redis-server or redis-cli is missing — or fails it when MIX_INVITATIONS_REQUIRE_REDIS=1.</summary>
    public static void Require()
    {
        RedisServer.Require();
        if (CliExecutable is not null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MIX_INVITATIONS_REQUIRE_REDIS") == "1")
        {
            throw new InvalidOperationException(MissingCliMessage + " MIX_INVITATIONS_REQUIRE_REDIS=1 makes that a failure.");
        }

        Assert.Skip(MissingCliMessage);
    }

    /// <summary>Starts the six nodes, creates the cluster and waits until it is ok and every replica is in sync.</summary>
    /// <param name="nodeTimeoutMs">The cluster node timeout: how long a primary may not answer before its replica takes over.</param>
    public static RedisCluster Start(int nodeTimeoutMs = 2000)
    {
        Require();
        var cluster = new RedisCluster();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                // nodes.conf is relative to the node's own directory (redis-server runs in it), so a restart keeps it.
                cluster._nodes.Add(RedisServer.Start(appendOnly: false,
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",

                    // The bus port is chosen too: by default it is the port + 10000, past 65535 for a high free port.
                    "--cluster-port", Mix.Invitations.Tests.Shared.RedisServerBinary.FreeLoopbackPort().ToString(CultureInfo.InvariantCulture),
                    "--cluster-node-timeout", nodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                    "--cluster-replica-validity-factor", "0",
                    "--enable-debug-command", "local",
                ]));
            }

            cluster.Create();
            cluster.WaitUntilHealthy();
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Connects as a node would: to the primaries, commands fail at once (no backlog) while a node is down.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>Gets the port of the primary that owns <paramref name="slot"/> now, by the CLUSTER NODES of a running node.</summary>
    public int PrimaryPortOf(int slot)
    {
        var nodes = _nodes.First(n => n.IsRunning).Query("CLUSTER", "NODES");
        foreach (var fields in nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(' ')))
        {
            if (!fields[2].Contains("master", StringComparison.Ordinal) || fields[2].Contains("fail", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var range in fields.Skip(8).Where(r => !r.StartsWith('[')))
            {
                var bounds = range.Split('-');
                var low = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                var high = bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : low;
                if (slot >= low && slot <= high)
                {
                    return int.Parse(fields[1].Split('@')[0].Split(':')[1], CultureInfo.InvariantCulture);
                }
            }
        }

        throw new InvalidOperationException($"No primary owns slot {slot}.");
    }

    /// <summary>Gets the running replica of the primary on <paramref name="primaryPort"/>.</summary>
    public RedisServer ReplicaOf(int primaryPort) =>
        _nodes.Single(n => n.IsRunning && n.Query("INFO", "replication").Contains($"master_port:{primaryPort}\r", StringComparison.Ordinal));

    /// <summary>Gets the running nodes that are primaries now.</summary>
    public IReadOnlyList<RedisServer> Primaries() =>
        _nodes.Where(n => n.IsRunning && Role(n) == "master").ToList();

    /// <summary>
    /// Waits (bounded: 60 s) until every running node reports <c>cluster_state:ok</c>, sees the same three primaries
    /// with every slot, and every running replica's link to its primary is up.
    /// </summary>
    public void WaitUntilHealthy()
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (IsHealthy())
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException("The Redis Cluster did not become healthy: " + string.Join(" | ", _nodes.Where(n => n.IsRunning).Select(Describe)));
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    private bool IsHealthy()
    {
        try
        {
            var running = _nodes.Where(n => n.IsRunning).ToList();
            foreach (var node in running)
            {
                var info = node.Query("CLUSTER", "INFO");
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal))
                {
                    return false;
                }

                var replication = node.Query("INFO", "replication");
                if (replication.Contains("role:slave", StringComparison.Ordinal)
                    && !(replication.Contains("master_link_status:up", StringComparison.Ordinal) && replication.Contains("master_sync_in_progress:0", StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            // Every node agrees on which nodes are primaries with slots, and none of them is a node that is down.
            var primaries = running.Select(n => PrimariesWithSlots(n.Query("CLUSTER", "NODES"))).ToList();
            var ports = running.Select(n => n.Port).ToHashSet();
            return primaries.All(p => p.SetEquals(primaries[0])) && primaries[0].Count == 3 && primaries[0].All(ports.Contains);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The ports of the nodes a CLUSTER NODES listing shows as primaries that hold slots and are not failed.</summary>
    private static HashSet<int> PrimariesWithSlots(string nodes) =>
        nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Where(f => f.Length > 8 && f[2].Contains("master", StringComparison.Ordinal) && !f[2].Contains("fail", StringComparison.Ordinal))
            .Select(f => int.Parse(f[1].Split('@')[0].Split(':')[1], CultureInfo.InvariantCulture))
            .ToHashSet();

    private static string Role(RedisServer node)
    {
        var info = node.Query("INFO", "replication");
        return info.Contains("role:master", StringComparison.Ordinal) ? "master" : "slave";
    }

    private static string Describe(RedisServer node)
    {
        try
        {
            var info = node.Query("CLUSTER", "INFO");
            var state = info.Split('\n').FirstOrDefault(l => l.StartsWith("cluster_state", StringComparison.Ordinal))?.Trim();
            return $"{node.Port}: {state}, {Role(node)}";
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            return $"{node.Port}: not answering";
        }
    }

    private void Create()
    {
        var info = new ProcessStartInfo(CliExecutable!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add("--cluster");
        info.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            info.ArgumentList.Add($"127.0.0.1:{node.Port}");
        }

        info.ArgumentList.Add("--cluster-replicas");
        info.ArgumentList.Add("1");
        info.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("redis-cli did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new InvalidOperationException("redis-cli --cluster create did not finish within 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {process.ExitCode}: {output.Result} {error.Result}");
        }
    }

    private static string? FindCli()
    {
        if (RedisServer.Executable is { } server && Path.GetDirectoryName(server) is { } directory && File.Exists(Path.Combine(directory, "redis-cli")))
        {
            return Path.Combine(directory, "redis-cli");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-cli");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
