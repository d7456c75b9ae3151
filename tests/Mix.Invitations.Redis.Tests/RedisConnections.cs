using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// Connections a contract run opens to the class's server (or cluster), closed together when the test ends. The
/// contract fixtures derive from their contract's base class, so they hold this rather than share a base of their own.
/// </summary>
internal sealed class RedisConnections : IDisposable
{
    private readonly Func<Task<ConnectionMultiplexer>> _connect;
    private readonly List<IConnectionMultiplexer> _open = [];

    public RedisConnections(RedisServerFixture fixture)
    {
        _connect = () => fixture.Server.ConnectAsync();
    }

    public RedisConnections(RedisClusterFixture fixture)
    {
        _connect = () => fixture.Cluster.ConnectAsync();
    }

    /// <summary>Opens one more connection: each is a "node" of its own.</summary>
    public IConnectionMultiplexer Open()
    {
        var connection = _connect().GetAwaiter().GetResult();
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
