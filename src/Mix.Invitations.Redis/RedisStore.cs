using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// What every Redis store of the package (the ledger, the issuance limiter) holds the same way: the connection, the key
/// prefix, the database, the clock, how many replicas must acknowledge a write (the ledger's), and whether disposing the
/// store closes the connection.
/// </summary>
internal sealed partial class RedisStore : IDisposable, IAsyncDisposable
{
    private readonly bool _ownsConnector;
    private bool _disposed;

    private RedisStore(RedisConnector connector, bool ownsConnector, string keyPrefix, int database, TimeProvider? timeProvider, ReplicaWait replicaWait = default)
    {
        Connector = connector;
        _ownsConnector = ownsConnector;
        KeyPrefix = keyPrefix;
        Database = database;
        Time = timeProvider ?? TimeProvider.System;
        ReplicaWait = replicaWait;
    }

    public RedisConnector Connector { get; }

    public string KeyPrefix { get; }

    public int Database { get; }

    public TimeProvider Time { get; }

    /// <summary>Gets how many replicas must acknowledge a write, and for how long Redis waits for them (none: do not wait).</summary>
    public ReplicaWait ReplicaWait { get; }

    /// <summary>A store on a connection the caller owns: disposing the store leaves it open.</summary>
    public static RedisStore On(IConnectionMultiplexer connection, string? keyPrefix, int database, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new(new RedisConnector(connection), ownsConnector: true, keyPrefix ?? RedisInvitationLedgerOptions.DefaultKeyPrefix, database, timeProvider);
    }

    /// <summary>A store on a connection the caller owns, with the options' key prefix, database and replica acknowledgements (their connection settings are not used).</summary>
    /// <exception cref="ArgumentException">Thrown (naming <paramref name="paramName"/>) when the key prefix is <see langword="null"/> or the replica settings are out of range.</exception>
    public static RedisStore On(IConnectionMultiplexer connection, RedisInvitationLedgerOptions options, TimeProvider? timeProvider, string paramName)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options, paramName);
        var keyPrefix = options.KeyPrefix ?? throw new ArgumentException("RedisInvitationLedgerOptions.KeyPrefix must not be null (use \"\" for no prefix).", paramName);
        return new(new RedisConnector(connection), ownsConnector: true, keyPrefix, options.Database, timeProvider, ReplicaWait.From(options, paramName));
    }

    /// <summary>A store that connects on first use from options, and closes that connection when disposed.</summary>
    public static RedisStore From(RedisInvitationLedgerOptions options, TimeProvider? timeProvider, string paramName)
    {
        ArgumentNullException.ThrowIfNull(options, paramName);
        return new(RedisConnector.FromOptions(options, paramName), ownsConnector: true, options.KeyPrefix, options.Database, timeProvider, ReplicaWait.From(options, paramName));
    }

    /// <summary>A store on a connector shared with other stores (the DI registrations), which it does not dispose.</summary>
    public static RedisStore Shared(RedisConnector connector, string keyPrefix, int database, TimeProvider? timeProvider, ReplicaWait replicaWait = default) =>
        new(connector, ownsConnector: false, keyPrefix, database, timeProvider, replicaWait);

    /// <summary>Throws when the store that owns this has been disposed.</summary>
    public void ThrowIfDisposed(object owner) => ObjectDisposedException.ThrowIf(_disposed, owner);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsConnector)
        {
            Connector.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsConnector)
        {
            await Connector.DisposeAsync().ConfigureAwait(false);
        }
    }
}
