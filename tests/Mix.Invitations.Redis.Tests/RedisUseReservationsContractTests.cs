using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Issuance;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the use-reservations contract over the Redis ledger; the two "nodes" are two independent connections, each with its own ledger.</summary>
public sealed class RedisUseReservationsContractTests : UseReservationsContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisUseReservationsContractTests(RedisServerFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    // The ledgers decide by this clock (scores and times to live come from it), so Redis's own clock does not matter.
    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"reserve-{Guid.NewGuid():N}:";

    protected override (IInvitationUseReservations First, IInvitationUseReservations Second) CreateNodes()
    {
        return (new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time), new RedisInvitationLedger(_connections.Open(), KeyPrefix, timeProvider: Time));
    }

    public void Dispose() => _connections.Dispose();
}
