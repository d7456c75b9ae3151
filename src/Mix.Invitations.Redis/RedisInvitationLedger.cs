using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// A ledger in Redis, shared by every node of a cluster: single use, use limits and revocation hold across nodes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Atomicity.</b> Each operation is one Lua script (<c>EVAL</c>/<c>EVALSHA</c>) on the keys of one token, so Redis
/// runs it without interleaving: two nodes racing for the last use of a token can never both consume it, and two
/// releases of one use can never both give it back. The keys share the hash tag <c>{token id}</c>, so they live in one
/// slot and Redis Cluster runs the scripts too.
/// </para>
/// <para>
/// <b>Keys.</b> A token's entry is two keys: a hash <c>{prefix}{{token id}}:{channel}</c> with the revocation mark
/// (<c>r</c>) and the last use id given out (<c>n</c>, a counter, so no id is ever given out twice), and a set
/// <c>{prefix}{{token id}}:{channel}:uses</c> of the ids of the outstanding uses — small integers, so Redis keeps it as
/// a compact intset — whose cardinality is the use count. A consume adds an id, a release removes its own id
/// (<c>SREM</c> answers 1 once). Redis holds no token, no JID other than the channel, and no secret. Tokens without a
/// use limit are only read, never written, unless revoked.
/// </para>
/// <para>
/// <b>Retention and clocks.</b> Keys get a relative time to live (<c>PEXPIRE</c>) computed by this ledger's
/// <see cref="TimeProvider"/> from the retention instant the redeemer passes (expiry + tolerance +
/// <see cref="MixInvitationOptions.LedgerRetentionMargin"/>): the ledger's clock decides, and a Redis clock that
/// disagrees cannot make a key vanish early. A key's time to live is only ever lengthened (both keys of a token get the
/// longest either has), never shortened, and never set to zero or less: at or after the retention instant the ledger
/// refuses with <see cref="InvitationLedgerOutcome.Expired"/> without sending anything, and it also refuses an answer
/// that comes back at or after that instant (the key may have expired while the command was on its way). Nodes whose
/// clocks disagree must stay within the margin, less the longest redemption.
/// </para>
/// <para>
/// <b>Failures.</b> Any Redis error — connection lost, timeout, server error — is thrown as
/// <see cref="InvitationLedgerUnavailableException"/>, which <see cref="InvitationRedeemer"/> turns into a refusal
/// (<see cref="InvitationFailureReason.LedgerUnavailable"/>): fail closed. Once Redis is back, StackExchange.Redis
/// reconnects on its own and redemptions succeed again. For consumed uses to survive a Redis restart, run Redis with
/// AOF persistence (<c>appendonly yes</c>, <c>appendfsync always</c> or <c>everysec</c>) or replication.
/// </para>
/// <para>Thread-safe. Register with <c>services.AddMixInvitations(…).AddRedisLedger(…)</c>.</para>
/// </remarks>
public sealed class RedisInvitationLedger : IInvitationLedger, IDisposable, IAsyncDisposable
{
    // keep(): both keys of the token get the longest time to live either has or is asked for (ARGV[ttl], milliseconds):
    // lengthened, never shortened; a key without one (just created) gets it; a key that does not exist is left alone.
    private const string KeepFunction = """
        local function keep(ttl)
          local target = ttl
          for _, key in ipairs(KEYS) do
            local left = redis.call('PTTL', key)
            if left > target then target = left end
          end
          for _, key in ipairs(KEYS) do
            local left = redis.call('PTTL', key)
            if left == -1 or (left >= 0 and left < target) then redis.call('PEXPIRE', key, target) end
          end
        end

        """;

    // KEYS: hash, set of outstanding use ids. ARGV: max uses, time to live.
    // Returns the new use's id (positive), 0 when only revocation was checked, -1 when revoked, -2 when exhausted.
    private const string ConsumeScript = KeepFunction + """
        local hash, uses = KEYS[1], KEYS[2]
        local ttl = tonumber(ARGV[2])
        if redis.call('HEXISTS', hash, 'r') == 1 then keep(ttl) return -1 end
        local max = tonumber(ARGV[1])
        if max == 0 then return 0 end
        if redis.call('SCARD', uses) >= max then keep(ttl) return -2 end
        local id = redis.call('HINCRBY', hash, 'n', 1)
        redis.call('SADD', uses, id)
        keep(ttl)
        return id
        """;

    // KEYS: hash, set. ARGV: time to live.
    private const string RevokeScript = KeepFunction + """
        redis.call('HSET', KEYS[1], 'r', '1')
        keep(tonumber(ARGV[1]))
        return 1
        """;

    // KEYS: set of outstanding use ids. ARGV: the use id. Returns 1 when it was outstanding (once), else 0.
    private const string ReleaseScript = """
        return redis.call('SREM', KEYS[1], ARGV[1])
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

    /// <summary>Initializes a ledger that connects on first use, from options, on the system clock.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, or the key prefix is <see langword="null"/>.</exception>
    public RedisInvitationLedger(RedisInvitationLedgerOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a ledger that connects on first use, from options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, or the key prefix is <see langword="null"/>.</exception>
    public RedisInvitationLedger(RedisInvitationLedgerOptions options, TimeProvider? timeProvider)
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
    public async ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var keys = Keys(tokenId, channel);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUses);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is not { } ttl)
        {
            // Too late to decide from state; and never a time to live of zero or less.
            return new InvitationLedgerResult(InvitationLedgerOutcome.Expired);
        }

        var result = (long)await EvaluateAsync(ConsumeScript, keys, [maxUses, ttl], cancellationToken).ConfigureAwait(false);

        // The answer counts only if it came back before the retention instant: then the script ran before it too, while
        // the keys (which live at least that long) still held every use and revocation. Later, the keys may have
        // expired while the command was on its way, and the script seen nothing: refuse (a use it took stays taken).
        if (TimeToLive(retainUntil) is null)
        {
            return new InvitationLedgerResult(InvitationLedgerOutcome.Expired);
        }

        return result switch
        {
            -1 => new InvitationLedgerResult(InvitationLedgerOutcome.Revoked),
            -2 => new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted),
            _ => new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, result),
        };
    }

    /// <inheritdoc />
    public async ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var keys = Keys(tokenId, channel);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is { } ttl)
        {
            await EvaluateAsync(RevokeScript, keys, [ttl], cancellationToken).ConfigureAwait(false);
        }

        // Past the retention instant nothing is stored: every redemption from then on is refused as expired anyway.
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default)
    {
        var keys = Keys(tokenId, channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(useId);
        var removed = (long)await EvaluateAsync(ReleaseScript, [keys[1]], [useId], cancellationToken).ConfigureAwait(false);
        return removed == 1;
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

    /// <summary>The token's hash and the set of its outstanding use ids, in one slot through the hash tag <c>{token id}</c>.</summary>
    private RedisKey[] Keys(InvitationTokenId tokenId, Jid channel)
    {
        if (channel.IsEmpty)
        {
            throw new ArgumentException("The channel must be a JID, not default(Jid).", nameof(channel));
        }

        // The id has a fixed length, so "prefix + {id} + ':' + channel" cannot be read two ways; a bare JID never ends
        // in ":uses" (a domainpart holds no ':' outside an IP literal's brackets), so the set's key is no hash's key.
        var hash = string.Concat(_keyPrefix, "{", tokenId.ToString(), "}:", channel.Bare.ToString());
        return [new RedisKey(hash), new RedisKey(hash + ":uses")];
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

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(cancellationToken);
        try
        {
            var connection = _connection ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_database);
            return await database.ScriptEvaluateAsync(script, keys, values).WaitAsync(cancellationToken).ConfigureAwait(false);
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
