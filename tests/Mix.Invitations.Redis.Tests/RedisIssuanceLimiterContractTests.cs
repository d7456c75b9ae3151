using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Issuance;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the issuance limiter contract (the one the in-memory limiter meets) over the Redis limiter on a real server.</summary>
public sealed class RedisIssuanceLimiterContractTests : IssuanceLimiterContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisServerFixture _fixture;
    private readonly List<IConnectionMultiplexer> _connections = [];

    public RedisIssuanceLimiterContractTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    protected override IInvitationIssuanceLimiter CreateLimiter(FakeTimeProvider time)
    {
        var connection = _fixture.Server.ConnectAsync().GetAwaiter().GetResult();
        _connections.Add(connection);
        return new RedisIssuanceLimiter(connection, $"limits-{Guid.NewGuid():N}:", timeProvider: time);
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
