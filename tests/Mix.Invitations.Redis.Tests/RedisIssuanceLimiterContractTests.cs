using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Issuance;

namespace Mix.Invitations.Redis.Tests;

/// <summary>Runs the issuance limiter contract (the one the in-memory limiter meets) over the Redis limiter on a real server.</summary>
public sealed class RedisIssuanceLimiterContractTests : IssuanceLimiterContract, IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisConnections _connections;

    public RedisIssuanceLimiterContractTests(RedisServerFixture fixture)
    {
        _connections = new RedisConnections(fixture);
    }

    protected override IInvitationIssuanceLimiter CreateLimiter(FakeTimeProvider time)
    {
        return new RedisIssuanceLimiter(_connections.Open(), $"limits-{Guid.NewGuid():N}:", timeProvider: time);
    }

    public void Dispose() => _connections.Dispose();
}
