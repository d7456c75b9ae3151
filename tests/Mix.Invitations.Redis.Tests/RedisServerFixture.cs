namespace Mix.Invitations.Redis.Tests;

/// <summary>One redis-server for a test class, started when redis-server is installed (tests call <see cref="Server"/>, which skips or fails otherwise).</summary>
public sealed class RedisServerFixture : IDisposable
{
    private readonly RedisServer? _server = RedisServer.Executable is null ? null : RedisServer.Start();

    internal RedisServer Server
    {
        get
        {
            RedisServer.Require();
            return _server!;
        }
    }

    public void Dispose() => _server?.Dispose();
}
