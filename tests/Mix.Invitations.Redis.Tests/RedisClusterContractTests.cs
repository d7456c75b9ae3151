using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Inventory;
using Mix.Invitations.Tests.Issuance;
using Mix.Invitations.Tests.Redemption;

namespace Mix.Invitations.Redis.Tests;

/// <summary>The contract classes that share one Redis Cluster (started once for all of them).</summary>
[CollectionDefinition(Name)]
public sealed class SharedRedisCluster : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Redis Cluster";
}

/// <summary>
/// Runs the ledger contract over Redis Cluster (three primaries, one replica each); the two "nodes" are two independent
/// connections to the cluster, each with its own ledger. Every script's keys share the channel's hash tag, so each runs
/// in one slot; a channel's slot decides its primary.
/// </summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterLedgerContractTests : LedgerContract, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisClusterLedgerContractTests(RedisClusterFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"contract-{Guid.NewGuid():N}:";

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes() =>
        (new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time), new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time));

    public void Dispose() => _connections.Dispose();
}

/// <summary>
/// The ledger contract over Redis Cluster with <see cref="RedisInvitationLedgerOptions.ReplicaAcknowledgements"/> = 1:
/// every write waits for the replica of the primary that owns the channel's slot, and the answers are the same.
/// </summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterWaitingLedgerContractTests : LedgerContract, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisClusterWaitingLedgerContractTests(RedisClusterFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RedisInvitationLedgerOptions Options { get; } = new()
    {
        KeyPrefix = $"waiting-{Guid.NewGuid():N}:",
        ReplicaAcknowledgements = 1,
        ReplicaAcknowledgementTimeout = TimeSpan.FromSeconds(2),
    };

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes() =>
        (new RedisInvitationLedger(_connections.Open(), Options, Time), new RedisInvitationLedger(_connections.Open(), Options, Time));

    public void Dispose() => _connections.Dispose();
}

/// <summary>
/// Runs the inventory contract over Redis Cluster, waiting for a replica (<see cref="RedisInvitationLedgerOptions.ReplicaAcknowledgements"/>
/// = 1): the add, list and get scripts touch the record, the channel's and the inviter's sorted sets and the ledger's
/// keys, all under the channel's hash tag, so each runs in one slot.
/// </summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterInventoryContractTests : InventoryContract, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisClusterInventoryContractTests(RedisClusterFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private RedisInvitationLedgerOptions Options { get; } = new()
    {
        KeyPrefix = $"inventory-{Guid.NewGuid():N}:",
        ReplicaAcknowledgements = 1,
        ReplicaAcknowledgementTimeout = TimeSpan.FromSeconds(2),
    };

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes() =>
        (new RedisInvitationLedger(_connections.Open(), Options, Time), new RedisInvitationLedger(_connections.Open(), Options, Time));

    public void Dispose() => _connections.Dispose();
}

/// <summary>Runs the use-reservations contract over Redis Cluster: the reservation script's two keys share the channel's hash tag.</summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterUseReservationsContractTests : UseReservationsContract, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisClusterUseReservationsContractTests(RedisClusterFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"reserve-{Guid.NewGuid():N}:";

    protected override (IInvitationUseReservations First, IInvitationUseReservations Second) CreateNodes() =>
        (new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time), new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time));

    public void Dispose() => _connections.Dispose();
}

/// <summary>Runs the issuance limiter contract over Redis Cluster: each acquire is a script on one key (the window's counter).</summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterIssuanceLimiterContractTests : IssuanceLimiterContract, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisClusterIssuanceLimiterContractTests(RedisClusterFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override IInvitationIssuanceLimiter CreateLimiter(FakeTimeProvider time) =>
        new RedisIssuanceLimiter(_connections.Open(), $"limits-{Guid.NewGuid():N}:", timeProvider: time);

    public void Dispose() => _connections.Dispose();
}

/// <summary>Waiting for a replica in Redis Cluster: the WAIT goes to the primary that owns the channel's slot, right behind the script on the same connection.</summary>
[Collection(SharedRedisCluster.Name)]
public sealed class RedisClusterReplicaAcknowledgementTests(RedisClusterFixture fixture)
{
    [Fact]
    public async Task OnEveryPrimary_WaitFollowsTheScriptOnItsConnection_AndTheReplicaHasTheUseWhenTheAnswerComes()
    {
        var cluster = fixture.Cluster;
        await using var connection = await cluster.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, new RedisInvitationLedgerOptions { KeyPrefix = "acks:", ReplicaAcknowledgements = 1, ReplicaAcknowledgementTimeout = TimeSpan.FromSeconds(2) }, null);
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        // One channel on each primary.
        var channels = Enumerable.Range(0, 30).Select(i => Jid.Parse($"room{i}@mix.shakespeare.example"))
            .GroupBy(c => cluster.PrimaryPortOf(connection.HashSlot($"acks:{{{RedisInvitationLedger.ChannelHash(c)}}}")))
            .Select(g => (Primary: g.Key, Channel: g.First()))
            .ToList();
        channels.Should().HaveCount(3);

        foreach (var (primaryPort, channel) in channels)
        {
            var id = new InvitationTokenId(System.Security.Cryptography.RandomNumberGenerator.GetBytes(InvitationTokenId.Size));
            var uses = $"acks:{{{RedisInvitationLedger.ChannelHash(channel)}}}:u:{id}";
            using var monitor = cluster.Nodes.Single(n => n.Port == primaryPort).Monitor();

            var result = await ledger.TryConsumeAsync(new InvitationLedgerRequest(id, channel, 1, retainUntil, retainUntil.AddHours(-2), joiner: Jid.Parse("cat@shakespeare.example")), TestContext.Current.CancellationToken);

            result.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
            cluster.ReplicaOf(primaryPort).QueryInOrder(["READONLY"], ["SCARD", uses]).Should().Be("1", "WAIT answered only once the slot's replica had the use");
            monitor.WaitFor("\"WAIT\"");
            RedisReplicaAcknowledgementTests.AssertWaitFollowsScript(monitor.Lines, id);
        }
    }
}
