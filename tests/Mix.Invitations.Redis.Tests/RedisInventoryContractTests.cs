using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Inventory;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the inventory contract over Redis; the two "nodes" are two independent connections, each with its own ledger.</summary>
public sealed class RedisInventoryContractTests : InventoryContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisInventoryContractTests(RedisServerFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    // The ledgers decide by this clock and set relative times to live from it, so Redis's own clock does not matter.
    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"inventory-{Guid.NewGuid():N}:";

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes() =>
        (new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time), new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time));

    public void Dispose() => _connections.Dispose();
}
