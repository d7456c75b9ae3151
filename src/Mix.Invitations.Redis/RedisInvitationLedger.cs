using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// A ledger in Redis, shared by every node of a cluster: single use, use limits and revocation hold across nodes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Atomicity.</b> Each operation is one Lua script (<c>EVAL</c>/<c>EVALSHA</c>) on one key, so Redis runs it
/// without interleaving: two nodes racing for the last use of a token can never both consume it. A token's entry is a
/// hash under <c>{prefix}{token id}:{channel}</c> with a use count (<c>u</c>) and a revocation mark (<c>r</c>),
/// expiring at the token's expiry plus the expiry tolerance (<c>PEXPIREAT</c>), so Redis holds only live tokens and
/// never a token, a JID other than the channel, or a secret. Tokens without a use limit are only read, never written,
/// unless revoked.
/// </para>
/// <para>
/// <b>Failures.</b> Any Redis error — connection lost, timeout, server error — is thrown as
/// <see cref="InvitationLedgerUnavailableException"/>, which <see cref="InvitationRedeemer"/> turns into a refusal
/// (<see cref="InvitationFailureReason.LedgerUnavailable"/>): fail closed. Once Redis is back, StackExchange.Redis
/// reconnects on its own and redemptions succeed again. For consumed uses to survive a Redis restart, run Redis with
/// AOF persistence (<c>appendonly yes</c>, <c>appendfsync always</c> or <c>everysec</c>) or replication.
/// </para>
/// <para>
/// <b>Clocks.</b> Expiry instants are absolute; the clocks of the nodes and of Redis should agree to well within
/// <see cref="MixInvitationOptions.ExpiryTolerance"/>.
/// </para>
/// <para>Thread-safe. Register with <c>services.AddMixInvitations(…).AddRedisLedger(…)</c>.</para>
/// </remarks>
public sealed class RedisInvitationLedger : IInvitationLedger, IDisposable, IAsyncDisposable
{
    // Lengthens the key's time to live to ARGV[2] milliseconds, never shortens it; a key without one (just created) gets it.
    private const string KeepFunction = """
        local function keep(key, ttl)
          local left = redis.call('PTTL', key)
          if left == -1 or (left >= 0 and left < ttl) then redis.call('PEXPIRE', key, ttl) end
        end
        """;

    // Returns the new use count, 0 when only revocation was checked, -1 when revoked, -2 when exhausted.
    private const string ConsumeScript = KeepFunction + "\n" + """
        local key = KEYS[1]
        local ttl = tonumber(ARGV[2])
        if redis.call('HEXISTS', key, 'r') == 1 then keep(key, ttl) return -1 end
        local max = tonumber(ARGV[1])
        if max == 0 then return 0 end
        local used = tonumber(redis.call('HGET', key, 'u') or '0')
        if used >= max then keep(key, ttl) return -2 end
        redis.call('HINCRBY', key, 'u', 1)
        keep(key, ttl)
        return used + 1
        """;

    private const string RevokeScript = KeepFunction + "\n" + """
        redis.call('HSET', KEYS[1], 'r', '1')
        keep(KEYS[1], tonumber(ARGV[1]))
        return 1
        """;

    private const string ReleaseScript = """
        local used = tonumber(redis.call('HGET', KEYS[1], 'u') or '0')
        if used > 0 then redis.call('HINCRBY', KEYS[1], 'u', -1) end
        return used
        """;

    private readonly string _keyPrefix;
    private readonly int _database;
    private readonly TimeProvider _time;
    private readonly Func<Task<IConnectionMultiplexer>>? _connect;
    private readonly bool _ownsConnection;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private volatile IConnectionMultiplexer? _connection;
    private bool _disposed;

    /// <summary>Initializes a ledger on a connection the caller owns (and disposes).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="keyPrefix">The key prefix; <see langword="null"/> for <c>mixinv:</c>.</param>
    /// <param name="database">The database number; -1 for the connection's default.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisInvitationLedger(IConnectionMultiplexer connection, string? keyPrefix = null, int database = -1, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _keyPrefix = keyPrefix ?? RedisInvitationLedgerOptions.DefaultKeyPrefix;
        _database = database;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Initializes a ledger that connects on first use, from options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, or the key prefix is <see langword="null"/>.</exception>
    public RedisInvitationLedger(RedisInvitationLedgerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        if (options.KeyPrefix is null)
        {
            throw new ArgumentException("RedisInvitationLedgerOptions.KeyPrefix must not be null (use \"\" for no prefix).", nameof(options));
        }

        if (options.ConnectionMultiplexerFactory is { } factory)
        {
            _connect = factory;
        }
        else if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            var configuration = ConfigurationOptions.Parse(options.Configuration);

            // While Redis is unreachable, refuse at once rather than queue the command until its timeout: a join is
            // refused either way (fail closed), and a quick refusal holds no server resources.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            _connect = async () => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            _ownsConnection = true;
        }
        else
        {
            throw new ArgumentException("Set RedisInvitationLedgerOptions.Configuration or ConnectionMultiplexerFactory.", nameof(options));
        }

        _keyPrefix = options.KeyPrefix;
        _database = options.Database;
    }

    /// <summary>Gets the prefix of every key this ledger writes.</summary>
    public string KeyPrefix => _keyPrefix;

    /// <inheritdoc />
    public async ValueTask<InvitationLedgerOutcome> TryConsumeAsync(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var key = Key(tokenId, channel);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUses);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is not { } ttl)
        {
            return InvitationLedgerOutcome.Expired; // too late to decide from state; and never a time to live of zero or less
        }

        var result = (long)await EvaluateAsync(ConsumeScript, key, [maxUses, ttl], cancellationToken).ConfigureAwait(false);

        // The answer counts only if it came back before the retention instant: then the script ran before it too, while
        // the key (which lives at least that long) still held every use and revocation. Later, the key may have expired
        // while the command was on its way, and the script seen nothing: refuse (a use it counted stays counted).
        if (TimeToLive(retainUntil) is null)
        {
            return InvitationLedgerOutcome.Expired;
        }

        return result switch
        {
            -1 => InvitationLedgerOutcome.Revoked,
            -2 => InvitationLedgerOutcome.Exhausted,
            _ => InvitationLedgerOutcome.Consumed,
        };
    }

    /// <inheritdoc />
    public async ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var key = Key(tokenId, channel);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is { } ttl)
        {
            await EvaluateAsync(RevokeScript, key, [ttl], cancellationToken).ConfigureAwait(false);
        }

        // Past the retention instant nothing is stored: every redemption from then on is refused as expired anyway.
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(InvitationTokenId tokenId, Jid channel, CancellationToken cancellationToken = default)
    {
        var key = Key(tokenId, channel);
        await EvaluateAsync(ReleaseScript, key, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the connection when this ledger made it from a configuration string.</summary>
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

    /// <summary>Disposes the connection when this ledger made it from a configuration string.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
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

    private RedisKey Key(InvitationTokenId tokenId, Jid channel)
    {
        if (channel.IsEmpty)
        {
            throw new ArgumentException("The channel must be a JID, not default(Jid).", nameof(channel));
        }

        // The id has a fixed length, so "prefix + id + ':' + channel" cannot be read two ways.
        return new RedisKey(string.Concat(_keyPrefix, tokenId.ToString(), ":", channel.Bare.ToString()));
    }

    /// <summary>
    /// The time to live that keeps a key until <paramref name="retainUntil"/> by this ledger's clock, in whole
    /// milliseconds rounded up (so at least 1), or <see langword="null"/> when that instant has passed. Relative, so the
    /// ledger's clock decides and a Redis clock that disagrees cannot make a key vanish early.
    /// </summary>
    private long? TimeToLive(DateTimeOffset retainUntil)
    {
        var ticks = retainUntil.UtcTicks - _time.GetUtcNow().UtcTicks;
        return ticks <= 0 ? null : (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
    }

    private void ThrowIfUnusable(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey key, RedisValue[] values, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(cancellationToken);
        try
        {
            var connection = _connection ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_database);
            return await database.ScriptEvaluateAsync(script, [key], values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // RedisConnectionException, RedisTimeoutException (a TimeoutException), RedisServerException (LOADING,
            // MISCONF, READONLY, a foreign value under our key): the ledger cannot answer, so the redemption is refused.
            throw new InvitationLedgerUnavailableException($"Redis did not answer the ledger: {ex.GetType().Name}.", ex);
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
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
