using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Redemption;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the ledger contract over Redis; the two "nodes" are two independent connections, each with its own ledger.</summary>
public sealed class RedisInvitationLedgerContractTests : LedgerContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisInvitationLedgerContractTests(RedisServerFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    // The ledgers decide by this clock and set relative times to live from it, so Redis's own clock does not matter.
    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets a key prefix of this test's own: the tests share one server and may issue the same token (a bearer token without a nonce at the same instant).</summary>
    private string KeyPrefix { get; } = $"contract-{Guid.NewGuid():N}:";

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes()
    {
        return (new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time), new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time));
    }

    public void Dispose() => _connections.Dispose();
}
