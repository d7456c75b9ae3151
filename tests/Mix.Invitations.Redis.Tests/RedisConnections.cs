using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// Connections a contract run opens to the class's server, closed together when the test ends. The contract fixtures
/// derive from their contract's base class, so they hold this rather than share a base of their own.
/// </summary>
internal sealed class RedisConnections(RedisServerFixture fixture) : IDisposable
{
    private readonly List<IConnectionMultiplexer> _open = [];

    /// <summary>Opens one more connection: each is a "node" of its own.</summary>
    public IConnectionMultiplexer Open()
    {
        var connection = fixture.Server.ConnectAsync().GetAwaiter().GetResult();
        _open.Add(connection);
        return connection;
    }

    public void Dispose()
    {
        foreach (var connection in _open)
        {
            connection.Dispose();
        }
    }
}
