using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// The connection of the Redis stores (ledger, issuance limiter): given, or made on first use from
/// <see cref="RedisInvitationLedgerOptions"/>; one connector may serve several stores, as the DI registrations do.
/// </summary>
/// <remarks>
/// Connecting is retried by the next call after a failure; a connection it made from a configuration string is its own
/// and is disposed with it, one given or got from the options' factory is the application's.
/// </remarks>
internal sealed class RedisConnector : IDisposable, IAsyncDisposable
{
    private readonly Func<Task<IConnectionMultiplexer>>? _connect;
    private readonly bool _ownsConnection;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private volatile IConnectionMultiplexer? _connection;
    private bool _disposed;

    /// <summary>Initializes a connector on a connection the caller owns.</summary>
    public RedisConnector(IConnectionMultiplexer connection)
    {
        _connection = connection;
    }

    private RedisConnector(Func<Task<IConnectionMultiplexer>> connect, bool ownsConnection)
    {
        _connect = connect;
        _ownsConnection = ownsConnection;
    }

    /// <summary>Makes a connector from options: their factory, else their configuration string (with a fail-fast backlog).</summary>
    /// <exception cref="ArgumentException">Thrown (naming <paramref name="paramName"/>) when the options set neither, or the key prefix is <see langword="null"/>.</exception>
    public static RedisConnector FromOptions(RedisInvitationLedgerOptions options, string paramName)
    {
        if (options.KeyPrefix is null)
        {
            throw new ArgumentException("RedisInvitationLedgerOptions.KeyPrefix must not be null (use \"\" for no prefix).", paramName);
        }

        if (options.ConnectionMultiplexerFactory is { } factory)
        {
            return new RedisConnector(factory, ownsConnection: false);
        }

        if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            var configuration = ConfigurationOptions.Parse(options.Configuration);

            // While Redis is unreachable, refuse at once rather than queue the command until its timeout: a join or an
            // issue is refused either way (fail closed), and a quick refusal holds no server resources.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            return new RedisConnector(async () => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false), ownsConnection: true);
        }

        throw new ArgumentException("Set RedisInvitationLedgerOptions.Configuration or ConnectionMultiplexerFactory.", paramName);
    }

    /// <summary>Gets the connection, connecting on first use.</summary>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when connecting failed (the next call tries again).</exception>
    public ValueTask<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken) =>
        _connection is { } connection ? ValueTask.FromResult(connection) : new ValueTask<IConnectionMultiplexer>(ConnectAsync(cancellationToken));

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsConnection)
        {
            _connection?.Dispose();
        }

        _connectLock.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsConnection && _connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } existing)
            {
                return existing;
            }

            IConnectionMultiplexer connection;
            try
            {
                connection = await _connect!().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
            {
                throw new InvitationLedgerUnavailableException($"Could not connect to Redis: {ex.GetType().Name}.", ex);
            }

            _connection = connection ?? throw new InvalidOperationException("RedisInvitationLedgerOptions.ConnectionMultiplexerFactory returned null.");
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }
}
