using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// Counts issues against fixed-window rate limits in Redis, so every node of a cluster shares one count per partition:
/// a limit of 10 an hour is 10 an hour in all, not 10 on each node.
/// </summary>
/// <remarks>
/// <para>
/// <b>Windows.</b> Fixed windows aligned to the Unix epoch by this limiter's <see cref="TimeProvider"/>: window
/// <c>floor(now in Unix ms / window in ms)</c>, as the in-memory limiter counts, so both stores answer alike. A permit
/// is acquired while the window's count is at most the permit limit; past it the answer is exceeded, with the time
/// until the window ends as the retry-after.
/// </para>
/// <para>
/// <b>Keys.</b> One counter per partition and window: <c>{prefix}rl:{{partition}}:{window ms}:{window index}</c>, a
/// string holding an integer. The partition is an opaque hash built by the rule (no JID in clear) and is the key's hash
/// tag; the window's length is part of the key, so two rules with different windows never share a count. Each acquire
/// is one Lua script, one round trip: <c>INCR</c>, and on the window's first permit a relative <c>PEXPIRE</c> to the
/// window's end by this limiter's clock plus <see cref="ExpirySlack"/>, so counters vanish on their own and a node whose
/// clock lags a little still finds the count of the window it is in.
/// </para>
/// <para>
/// <b>Clocks.</b> Each node decides the window by its own clock: nodes must agree on the time within a small fraction
/// of the window (and within <see cref="ExpirySlack"/>), or a node ahead opens the next window early.
/// </para>
/// <para>
/// <b>Failures.</b> A Redis error, a timeout or a failed connection is <see cref="InvitationLimitResult.Unavailable"/>,
/// never an exception and never a permit: the issue is refused (fail closed). Once Redis is back, StackExchange.Redis
/// reconnects on its own. A restarted Redis without persistence starts every window's count afresh.
/// </para>
/// <para>Thread-safe. Register with <c>services.AddMixInvitations(…).AddRedisIssuanceLimiter(…)</c>.</para>
/// </remarks>
public sealed class RedisIssuanceLimiter : IInvitationIssuanceLimiter, IDisposable, IAsyncDisposable
{
    /// <summary>How long a window's counter outlives the window: room for nodes whose clocks lag a little.</summary>
    public static readonly TimeSpan ExpirySlack = TimeSpan.FromSeconds(5);

    // KEYS: the window's counter. ARGV: its time to live (ms). Returns the count, this permit included. A counter without
    // a time to live (just created, or persisted by someone) gets one, so no counter outlives its window for long.
    private const string AcquireScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    private static readonly long SlackMilliseconds = (long)ExpirySlack.TotalMilliseconds;

    private readonly RedisStore _store;

    /// <summary>Initializes a limiter on a connection the caller owns (and disposes).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="keyPrefix">The key prefix; <see langword="null"/> for <c>mixinv:</c>, the ledger's.</param>
    /// <param name="database">The database number; -1 for the connection's default.</param>
    /// <param name="timeProvider">The clock that decides the window and sets the counters' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisIssuanceLimiter(IConnectionMultiplexer connection, string? keyPrefix = null, int database = -1, TimeProvider? timeProvider = null)
        : this(RedisStore.On(connection, keyPrefix, database, timeProvider))
    {
    }

    /// <summary>Initializes a limiter that connects on first use, from the Redis options the ledger takes, on the system clock.</summary>
    /// <param name="options">The options: connection, key prefix and database.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, or the key prefix is <see langword="null"/>.</exception>
    public RedisIssuanceLimiter(RedisInvitationLedgerOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a limiter that connects on first use, from the Redis options the ledger takes.</summary>
    /// <param name="options">The options: connection, key prefix and database.</param>
    /// <param name="timeProvider">The clock that decides the window and sets the counters' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, or the key prefix is <see langword="null"/>.</exception>
    public RedisIssuanceLimiter(RedisInvitationLedgerOptions options, TimeProvider? timeProvider)
        : this(RedisStore.From(options, timeProvider, nameof(options)))
    {
    }

    /// <summary>Initializes a limiter on a connector shared with other stores (the DI registrations), which it does not dispose.</summary>
    internal RedisIssuanceLimiter(RedisConnector connector, string keyPrefix, int database, TimeProvider? timeProvider)
        : this(RedisStore.Shared(connector, keyPrefix, database, timeProvider))
    {
    }

    private RedisIssuanceLimiter(RedisStore store) => _store = store;

    /// <summary>Gets the prefix of every key this limiter writes.</summary>
    public string KeyPrefix => _store.KeyPrefix;

    /// <inheritdoc />
    /// <remarks>One round trip. A refused attempt is counted too (the counter only grows within a window), which gives nobody a permit.</remarks>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="partition"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="permitLimit"/> is less than 1 or <paramref name="window"/> is shorter than a millisecond.</exception>
    /// <exception cref="ObjectDisposedException">Thrown when the limiter has been disposed.</exception>
    public async ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitLimit);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        _store.ThrowIfDisposed(this);
        cancellationToken.ThrowIfCancellationRequested();

        var windowMs = window.Ticks / TimeSpan.TicksPerMillisecond;
        var nowTicks = _store.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var index = nowTicks / TimeSpan.TicksPerMillisecond / windowMs;
        var untilEnd = TimeSpan.FromTicks(((index + 1) * windowMs * TimeSpan.TicksPerMillisecond) - nowTicks);
        var ttl = (long)Math.Ceiling(untilEnd.TotalMilliseconds) + SlackMilliseconds;
        var key = new RedisKey(string.Concat(_store.KeyPrefix, "rl:{", partition, "}:", windowMs.ToString(System.Globalization.CultureInfo.InvariantCulture), ":", index.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        long count;
        try
        {
            var connection = await _store.Connector.GetAsync(cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_store.Database);
            count = (long)(await database.ScriptEvaluateAsync(AcquireScript, [key], [ttl]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvitationLedgerUnavailableException)
        {
            // Connection lost or refused, timeout, server error (LOADING, READONLY, a foreign value under the key): no
            // permit is known to be left, so none is given.
            return InvitationLimitResult.Unavailable;
        }

        return count <= permitLimit ? InvitationLimitResult.Acquired : InvitationLimitResult.Exceeded(untilEnd);
    }

    /// <summary>Disposes the connection when this limiter made it from a configuration string.</summary>
    public void Dispose() => _store.Dispose();

    /// <summary>Disposes the connection when this limiter made it from a configuration string.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
