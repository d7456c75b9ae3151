using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Issuance;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the use-reservations contract over the Redis ledger; the two "nodes" are two independent connections, each with its own ledger.</summary>
public sealed class RedisUseReservationsContractTests : UseReservationsContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisServerFixture _fixture;
    private readonly List<IConnectionMultiplexer> _connections = [];

    public RedisUseReservationsContractTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    // The ledgers decide by this clock (scores and times to live come from it), so Redis's own clock does not matter.
    protected override FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"reserve-{Guid.NewGuid():N}:";

    protected override (IInvitationUseReservations First, IInvitationUseReservations Second) CreateNodes()
    {
        var server = _fixture.Server;
        var first = server.ConnectAsync().GetAwaiter().GetResult();
        var second = server.ConnectAsync().GetAwaiter().GetResult();
        _connections.Add(first);
        _connections.Add(second);
        return (new RedisInvitationLedger(first, KeyPrefix, timeProvider: Time), new RedisInvitationLedger(second, KeyPrefix, timeProvider: Time));
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
