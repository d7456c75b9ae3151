using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Redemption;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the ledger contract over Redis; the two "nodes" are two independent connections, each with its own ledger.</summary>
public sealed class RedisInvitationLedgerContractTests : LedgerContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisServerFixture _fixture;
    private readonly List<IConnectionMultiplexer> _connections = [];

    public RedisInvitationLedgerContractTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    // Redis expires keys by its own clock, so the redeemers' clock starts at the real time.
    protected override FakeTimeProvider Time { get; } = new(TimeProvider.System.GetUtcNow());

    protected override (IInvitationLedger First, IInvitationLedger Second) CreateNodes()
    {
        var server = _fixture.Server;
        var first = ConnectionMultiplexer.Connect(server.ConnectionString);
        var second = ConnectionMultiplexer.Connect(server.ConnectionString);
        _connections.Add(first);
        _connections.Add(second);
        return (new RedisInvitationLedger(first), new RedisInvitationLedger(second));
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
