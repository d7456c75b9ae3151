using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mix.Invitations.Tests.Shared;
using StackExchange.Redis;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// What waiting for a replica costs: one consume of the Redis ledger that takes a use (a fresh single-use token each
/// call) against a primary with one replica, both redis-server processes of the benchmark's own on loopback, with
/// <see cref="RedisInvitationLedgerOptions.ReplicaAcknowledgements"/> 0 (the baseline: Redis replicates in the
/// background) and 1 (<c>WAIT 1</c> pipelined behind the script, so the answer comes once the replica has the use).
/// </summary>
/// <remarks>
/// Sequential calls on an idle loopback: the figure is latency, with the replica's acknowledgement added to the client's
/// round trip (and the script sent in full with <c>EVAL</c>, which waiting needs). Between hosts both grow by the
/// network's round trips. The keys live a minute. Needs redis-server on the path (CI installs it).
/// </remarks>
public class ReplicaWaitBenchmarks
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    private readonly List<ThrowawayRedisServer> _servers = [];
    private ConnectionMultiplexer _connection = null!;
    private RedisInvitationLedger _noWait = null!;
    private RedisInvitationLedger _waitForOne = null!;

    [GlobalSetup]
    public void Setup()
    {
        var primary = StartServer();
        var replica = StartServer("--replicaof", "127.0.0.1", primary.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var options = ConfigurationOptions.Parse($"127.0.0.1:{primary},abortConnect=false");
        options.BacklogPolicy = BacklogPolicy.FailFast;
        _connection = ConnectionMultiplexer.Connect(options);
        using (var replicaConnection = ConnectionMultiplexer.Connect($"127.0.0.1:{replica},allowAdmin=true"))
        {
            var server = replicaConnection.GetServer("127.0.0.1", replica);
            for (var attempt = 0; !((string)server.Execute("INFO", "replication")!).Contains("master_link_status:up", StringComparison.Ordinal); attempt++)
            {
                if (attempt == 300)
                {
                    throw new InvalidOperationException("The replica did not get in sync.");
                }

                Thread.Sleep(100);
            }
        }

        _noWait = new RedisInvitationLedger(_connection, new RedisInvitationLedgerOptions(), null);
        _waitForOne = new RedisInvitationLedger(_connection, new RedisInvitationLedgerOptions { ReplicaAcknowledgements = 1 }, null);
        if (ConsumeNoWait().AsTask().GetAwaiter().GetResult() != InvitationLedgerOutcome.Consumed
            || ConsumeWaitForOne().AsTask().GetAwaiter().GetResult() != InvitationLedgerOutcome.Consumed)
        {
            throw new InvalidOperationException("The consume was refused.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _noWait.Dispose();
        _waitForOne.Dispose();
        _connection.Dispose();
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "Redis consume, no WAIT")]
    public async ValueTask<InvitationLedgerOutcome> ConsumeNoWait() => (await _noWait.TryConsumeAsync(Request()).ConfigureAwait(false)).Outcome;

    [Benchmark(Description = "Redis consume, WAIT 1 (one replica)")]
    public async ValueTask<InvitationLedgerOutcome> ConsumeWaitForOne() => (await _waitForOne.TryConsumeAsync(Request()).ConfigureAwait(false)).Outcome;

    /// <summary>A fresh single-use token each call, so every call takes a use (a write); its keys live a minute.</summary>
    private static InvitationLedgerRequest Request()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new InvitationLedgerRequest(new InvitationTokenId(RandomNumberGenerator.GetBytes(InvitationTokenId.Size)), Channel, 1, now.AddMinutes(1), now.AddMinutes(-1));
    }

    /// <summary>Starts a redis-server of the benchmark's own (loopback, no persistence) and returns its port.</summary>
    private int StartServer(params string[] arguments)
    {
        var server = ThrowawayRedisServer.Start(arguments);
        _servers.Add(server);
        return server.Port;
    }
}
