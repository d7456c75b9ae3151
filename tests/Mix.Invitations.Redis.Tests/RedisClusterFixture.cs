namespace Mix.Invitations.Redis.Tests;

/// <summary>One Redis Cluster (three primaries, one replica each) for a test class, started when redis-server and redis-cli are installed (tests call <see cref="Cluster"/>, which skips or fails otherwise).</summary>
public sealed class RedisClusterFixture : IDisposable
{
    private readonly RedisCluster? _cluster = RedisServer.Executable is null || RedisCluster.CliExecutable is null ? null : RedisCluster.Start();

    internal RedisCluster Cluster
    {
        get
        {
            RedisCluster.Require();
            return _cluster!;
        }
    }

    public void Dispose() => _cluster?.Dispose();
}
