using System.Security.Cryptography;
using System.Text;
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
/// <para>
/// <b>Bearer-use reservations.</b> The ledger is also the store of the outstanding bearer-uses cap
/// (<see cref="IInvitationUseReservations"/>): per channel a sorted set <c>{prefix}bearer:{{channel hash}}</c> of the
/// live reservations (member <c>random id:uses</c>, score its expiry in Unix milliseconds) and their running total
/// <c>{prefix}bearer:{{channel hash}}:total</c>, where the channel hash is SHA-256 over a label and the bare JID (no JID
/// in clear). Both keys expire with the latest reservation. See <see cref="TryReserveAsync"/>.
/// </para>
/// <para>Thread-safe. Register with <c>services.AddMixInvitations(…).AddRedisLedger(…)</c>.</para>
/// </remarks>
public sealed class RedisInvitationLedger : IInvitationLedger, IInvitationUseReservations, IDisposable, IAsyncDisposable
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

    // KEYS: sorted set of the channel's reservations (member "<random id>:<uses>", score = expiry in Unix ms by the
    // ledger's clock), running total of their uses. ARGV: now (Unix ms), expiry (Unix ms, > now), uses, capacity, id.
    // Drops the expired members (each once: amortised O(log n) a reservation) and subtracts their uses; reserves when
    // the total leaves room. Both keys live until the latest expiry (lengthened only) and vanish with the last one.
    // Returns {1, 0} when reserved, {0, ms until the earliest live reservation expires} when not ({0, -1}: unknown).
    private const string ReserveScript = """
        local set, sum = KEYS[1], KEYS[2]
        local now, expiry = tonumber(ARGV[1]), tonumber(ARGV[2])
        local uses, capacity = tonumber(ARGV[3]), tonumber(ARGV[4])
        local function uses_of(member) return tonumber(string.match(member, ':(%d+)$')) end
        local expired = redis.call('ZRANGEBYSCORE', set, '-inf', now)
        local stored = redis.call('GET', sum)
        local total = 0
        if stored then
          total = tonumber(stored)
          for _, member in ipairs(expired) do total = total - uses_of(member) end
        else
          -- No running total: a new channel, or the key was lost (eviction); count the live members again.
          for _, member in ipairs(redis.call('ZRANGEBYSCORE', set, '(' .. now, '+inf')) do total = total + uses_of(member) end
        end
        if #expired > 0 then redis.call('ZREMRANGEBYSCORE', set, '-inf', now) end
        if redis.call('ZCARD', set) == 0 then
          -- Nothing live: the total is 0 whatever was stored (the set alone may have been lost).
          total = 0
          redis.call('DEL', sum)
          stored = false
        end
        local reserved = total + uses <= capacity
        if reserved then
          redis.call('ZADD', set, expiry, ARGV[5] .. ':' .. uses)
          total = total + uses
        end
        if (reserved or #expired > 0 or not stored) and redis.call('ZCARD', set) > 0 then
          local target = tonumber(redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')[2]) - now
          local left = redis.call('PTTL', set)
          if left > target then target = left end
          redis.call('SET', sum, total, 'PX', target)
          if left ~= target then redis.call('PEXPIRE', set, target) end
        end
        if reserved then return {1, 0} end
        local earliest = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES')
        if #earliest == 0 then return {0, -1} end
        return {0, tonumber(earliest[2]) - now}
        """;

    private readonly RedisStore _store;

    /// <summary>Initializes a ledger on a connection the caller owns (and disposes).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="keyPrefix">The key prefix; <see langword="null"/> for <c>mixinv:</c>.</param>
    /// <param name="database">The database number; -1 for the connection's default.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisInvitationLedger(IConnectionMultiplexer connection, string? keyPrefix = null, int database = -1, TimeProvider? timeProvider = null)
        : this(RedisStore.On(connection, keyPrefix, database, timeProvider))
    {
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
        : this(RedisStore.From(options, timeProvider, nameof(options)))
    {
    }

    /// <summary>Initializes a ledger on a connector shared with other stores (the DI registrations), which it does not dispose.</summary>
    internal RedisInvitationLedger(RedisConnector connector, string keyPrefix, int database, TimeProvider? timeProvider)
        : this(RedisStore.Shared(connector, keyPrefix, database, timeProvider))
    {
    }

    private RedisInvitationLedger(RedisStore store) => _store = store;

    /// <summary>Gets the prefix of every key this ledger writes.</summary>
    public string KeyPrefix => _store.KeyPrefix;

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

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// One Lua script on two keys of the channel (one slot through the hash tag <c>{channel hash}</c>): it drops the
    /// reservations that have expired, subtracts their uses from the running total, and reserves when the total leaves
    /// room — so two nodes racing for the last uses of a channel can never both get them. Expiry instants are this
    /// ledger's clock in Unix milliseconds (the expiry rounded up, so a reservation never ends before its invitation);
    /// nodes whose clocks disagree see a reservation end that much earlier or later.
    /// </para>
    /// <para>
    /// When the channel's live reservations leave too little room, the result is exceeded with the time until the
    /// earliest of them expires: the soonest any room is made, though it may be too little for
    /// <paramref name="uses"/>. A reservation of more uses than <paramref name="capacity"/> can never fit: exceeded
    /// without a retry-after, and nothing is sent. An invitation whose expiry has passed holds no uses: acquired, and
    /// nothing is sent. A Redis error or timeout is <see cref="InvitationLimitResult.Unavailable"/>, never an exception.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="uses"/> or <paramref name="capacity"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">Thrown when the ledger has been disposed.</exception>
    public async ValueTask<InvitationLimitResult> TryReserveAsync(Jid channel, int uses, int capacity, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var keys = ReservationKeys(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(uses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ThrowIfUnusable(cancellationToken);
        if (uses > capacity)
        {
            return InvitationLimitResult.Exceeded(null); // it will never fit
        }

        var now = _store.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiry = CeilingUnixMilliseconds(until);
        if (expiry <= now)
        {
            return InvitationLimitResult.Acquired; // an expired invitation holds no uses
        }

        RedisResult[] answer;
        try
        {
            answer = (RedisResult[])(await EvaluateAsync(ReserveScript, keys, [now, expiry, uses, capacity, RandomNumberGenerator.GetHexString(16, lowercase: true)], cancellationToken).ConfigureAwait(false))!;
        }
        catch (InvitationLedgerUnavailableException)
        {
            return InvitationLimitResult.Unavailable; // fail closed: the issue is refused, nothing is taken
        }

        if ((long)answer[0] == 1)
        {
            return InvitationLimitResult.Acquired;
        }

        var wait = (long)answer[1];
        return InvitationLimitResult.Exceeded(wait >= 0 ? TimeSpan.FromMilliseconds(wait) : null);
    }

    /// <summary>Disposes the connection when this ledger made it from a configuration string.</summary>
    public void Dispose() => _store.Dispose();

    /// <summary>Disposes the connection when this ledger made it from a configuration string.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <summary>The token's hash and the set of its outstanding use ids, in one slot through the hash tag <c>{token id}</c>.</summary>
    private RedisKey[] Keys(InvitationTokenId tokenId, Jid channel)
    {
        if (channel.IsEmpty)
        {
            throw new ArgumentException("The channel must be a JID, not default(Jid).", nameof(channel));
        }

        // The id has a fixed length, so "prefix + {id} + ':' + channel" cannot be read two ways; a bare JID never ends
        // in ":uses" (a domainpart holds no ':' outside an IP literal's brackets), so the set's key is no hash's key.
        var hash = string.Concat(_store.KeyPrefix, "{", tokenId.ToString(), "}:", channel.Bare.ToString());
        return [new RedisKey(hash), new RedisKey(hash + ":uses")];
    }

    /// <summary>
    /// The channel's sorted set of reservations and the running total of their uses: <c>{prefix}bearer:{{hash}}</c> and
    /// the same with <c>:total</c>, in one slot through the hash tag. The hash is SHA-256 over a label and the bare JID,
    /// cut to 16 bytes (32 hexadecimal digits), so Redis holds no channel JID in these keys.
    /// </summary>
    private RedisKey[] ReservationKeys(Jid channel)
    {
        if (channel.IsEmpty)
        {
            throw new ArgumentException("The channel must be a JID, not default(Jid).", nameof(channel));
        }

        var set = string.Concat(_store.KeyPrefix, "bearer:{", ChannelHash(channel.Bare), "}");
        return [new RedisKey(set), new RedisKey(set + ":total")];
    }

    /// <summary>SHA-256("Mix.Invitations channel v1" || 0x00 || bare JID in UTF-8), first 16 bytes, in lowercase hexadecimal.</summary>
    internal static string ChannelHash(Jid bare)
    {
        var jid = bare.ToString();
        var label = "Mix.Invitations channel v1\0"u8;
        var input = new byte[label.Length + Encoding.UTF8.GetByteCount(jid)];
        label.CopyTo(input);
        Encoding.UTF8.GetBytes(jid, input.AsSpan(label.Length));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>An instant in Unix milliseconds, rounded up.</summary>
    private static long CeilingUnixMilliseconds(DateTimeOffset instant)
    {
        var ticks = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return (ticks / TimeSpan.TicksPerMillisecond) + (ticks % TimeSpan.TicksPerMillisecond > 0 ? 1 : 0);
    }

    /// <summary>
    /// The time to live that keeps a key until <paramref name="retainUntil"/> by this ledger's clock, in whole
    /// milliseconds rounded up (so at least 1), or <see langword="null"/> when that instant has passed. Relative, so the
    /// ledger's clock decides and a Redis clock that disagrees cannot make a key vanish early.
    /// </summary>
    private long? TimeToLive(DateTimeOffset retainUntil)
    {
        var ticks = retainUntil.UtcTicks - _store.Time.GetUtcNow().UtcTicks;
        return ticks <= 0 ? null : (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
    }

    private void ThrowIfUnusable(CancellationToken cancellationToken)
    {
        _store.ThrowIfDisposed(this);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(cancellationToken);
        try
        {
            var connection = await _store.Connector.GetAsync(cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_store.Database);
            return await database.ScriptEvaluateAsync(script, keys, values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // RedisConnectionException, RedisTimeoutException (a TimeoutException), RedisServerException (LOADING,
            // MISCONF, READONLY, a foreign value under our key): the ledger cannot answer, so the redemption is refused.
            throw new InvitationLedgerUnavailableException($"Redis did not answer the ledger: {ex.GetType().Name}.", ex);
        }
    }
}
