using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// A ledger in Redis, shared by every node of a cluster: single use, use limits and revocation hold across nodes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Atomicity.</b> Each operation is one Lua script (<c>EVAL</c>/<c>EVALSHA</c>, one round trip) on keys of one
/// channel, so Redis runs it without interleaving: two nodes racing for the last use of a token can never both consume
/// it, two releases of one use can never both give it back, and a consume reads the cut-offs of a bulk revocation in
/// the same step as it takes the use. Every key of a channel shares the hash tag <c>{channel hash}</c>, so they live in
/// one slot and Redis Cluster runs the scripts too.
/// </para>
/// <para>
/// <b>Keys.</b> With <c>C</c> = <c>{prefix}{{channel hash}}</c>, a token's entry is a hash <c>C:t:{token id}</c> with
/// the revocation mark (<c>r</c>), the last use id given out (<c>n</c>, a counter, so no id is ever given out twice) and,
/// for each outstanding use taken with a joiner, <c>j:{joiner hash}</c> → use id and <c>u:{use id}</c> → that field
/// (so a retry answers the same use, and a release forgets the joiner); and a set <c>C:u:{token id}</c> of the ids of
/// the outstanding uses — small integers, so Redis keeps it as a compact intset — whose cardinality is the use count.
/// A narrowed copy with a use limit (<see cref="InvitationLedgerRequest.CopyLimits"/>) shares its original's entry:
/// its outstanding uses are counted in the same hash, <c>c:{copy id}</c> → count, and each use counted against copies
/// lists them in <c>k:{use id}</c>, so that a release gives the use back to the original and to each copy, once. An
/// entry of a token never narrowed holds none of these fields.
/// Bulk revocations are strings: <c>C:cut</c>, the channel's cut-off, and <c>C:cut:{inviter hash}</c>, an inviter's,
/// each the instant in Unix milliseconds (rounded up) before which a token's signed issued-at is revoked, each expiring
/// on its own with the latest retention it was given. Every hash is SHA-256 over a label of its own and the bare JID,
/// cut to 16 bytes: Redis holds no token, no JID in clear, and no secret. Tokens without a use limit (their own or a
/// narrowed copy's) are only read, never written, unless revoked.
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
/// AOF persistence (<c>appendonly yes</c>, <c>appendfsync always</c> or <c>everysec</c>) or replication — which, being
/// asynchronous, loses the latest writes in a failover unless the ledger waits for replicas
/// (<see cref="RedisInvitationLedgerOptions.ReplicaAcknowledgements"/>).
/// </para>
/// <para>
/// <b>Inventory.</b> The ledger is also an <see cref="IInvitationInventory"/> (registered with <c>AddInventory()</c>):
/// per invitation a hash <c>C:i:{token id}</c> and, scored by issued-at, its id in the channel's sorted set
/// <c>C:inv</c> and the bound inviter's <c>C:inv:{inviter hash}</c> — the channel's hash tag again, so one slot. A
/// record's uses and state are read from the keys above when it is listed.
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
public sealed partial class RedisInvitationLedger : IInvitationLedger, IInvitationUseReservations, IDisposable, IAsyncDisposable
{
    // keep(ttl, new): both keys of the token (KEYS[1], KEYS[2]) get the longest time to live either has or is asked for
    // (ttl, milliseconds): lengthened, never shortened; a key without one (just created) gets it; a key that does not
    // exist is left alone. Each key's time to live is asked once. When the caller has just created both keys (new), they
    // have none yet and the longest is ttl: both get it without asking. The cut-off keys that follow them in KEYS are
    // never touched here.
    private const string KeepFunction = """
        local function keep(ttl, new)
          if new then
            redis.call('PEXPIRE', KEYS[1], ttl)
            redis.call('PEXPIRE', KEYS[2], ttl)
            return
          end
          local left = {redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2])}
          local target = math.max(ttl, left[1], left[2])
          for i = 1, 2 do
            if left[i] == -1 or (left[i] >= 0 and left[i] < target) then redis.call('PEXPIRE', KEYS[i], target) end
          end
        end

        """;

    // KEYS: token hash, set of outstanding use ids, the channel's cut-off, [the bound inviter's cut-off in the channel].
    // ARGV: max uses, time to live (ms), issued-at (Unix ms), joiner field ('' for none), '1' when the ledger waits for
    // replicas ('' otherwise), then for each narrowed copy's use limit along the chain its id (32 hexadecimal digits)
    // and its limit. A copy's outstanding uses are counted in the token's hash, c:{copy id} -> count (absent at 0), and
    // each use counted against copies records them, k:{use id} -> their ids end to end, so that a release gives it
    // back to each: everything in the one hash, under the one retention, decided in the one script.
    // Returns {use id, 0} for a new use, {use id, 1} for the use the joiner already holds, {0, 0} when only revocation
    // was checked, {-1, 0} when revoked (the token, or a cut-off), {-2, 0} when exhausted (the token's limit or any
    // copy's). When the ledger waits for replicas, answering a held use rewrites the use counter with its own value: a
    // write, so the WAIT behind the script covers the replication stream up to here — which includes the use, whichever
    // connection took it.
    // Few calls, since each costs Redis about a microsecond (a fresh token's use: HMGET, MGET, HSET, SADD, two PEXPIRE):
    // the entry is read at once (revocation mark, last use id, the joiner's use, each copy's count), the cut-offs too,
    // and a new use written in one HSET. A hash holds 'n' from its first use on and 'r' once revoked, and the set is
    // made by a use (so after 'n'): a hash with neither is no hash, and no set — the use creates both, and gives them
    // the time to live asked for without asking theirs (keep(ttl, true)). An entry that exists is never treated so.
    private const string ConsumeScript = KeepFunction + """
        local hash, uses = KEYS[1], KEYS[2]
        local ttl, joiner = tonumber(ARGV[2]), ARGV[4]
        local fields = {'r', 'n', joiner}
        for i = 6, #ARGV, 2 do fields[#fields + 1] = 'c:' .. ARGV[i] end
        local entry = redis.call('HMGET', hash, unpack(fields))
        if entry[1] then keep(ttl) return {-1, 0} end
        local issued = tonumber(ARGV[3])
        for _, cut in ipairs(redis.call('MGET', unpack(KEYS, 3))) do
          if cut and issued < tonumber(cut) then return {-1, 0} end
        end
        local max = tonumber(ARGV[1])
        if max == 0 and #ARGV == 5 then return {0, 0} end
        local last = entry[2]
        if last then
          local held = entry[3]
          if held and redis.call('SISMEMBER', uses, held) == 1 then
            if ARGV[5] == '1' then redis.call('HSET', hash, 'n', last) end
            keep(ttl)
            return {tonumber(held), 1}
          end
          if max > 0 and redis.call('SCARD', uses) >= max then keep(ttl) return {-2, 0} end
          for i = 6, #ARGV, 2 do
            local taken = entry[(i + 2) / 2]
            if taken and tonumber(taken) >= tonumber(ARGV[i + 1]) then keep(ttl) return {-2, 0} end
          end
        end
        local id = last and string.format('%d', tonumber(last) + 1) or '1'
        local writes = joiner == '' and {'n', id} or {'n', id, joiner, id, 'u:' .. id, joiner}
        if #ARGV > 5 then
          local copies = {}
          for i = 6, #ARGV, 2 do
            redis.call('HINCRBY', hash, 'c:' .. ARGV[i], 1)
            copies[#copies + 1] = ARGV[i]
          end
          writes[#writes + 1] = 'k:' .. id
          writes[#writes + 1] = table.concat(copies)
        end
        redis.call('HSET', hash, unpack(writes))
        redis.call('SADD', uses, id)
        keep(ttl, not last)
        return {tonumber(id), 0}
        """;

    // KEYS: hash, set. ARGV: time to live.
    private const string RevokeScript = KeepFunction + """
        redis.call('HSET', KEYS[1], 'r', '1')
        keep(tonumber(ARGV[1]))
        return 1
        """;

    // KEYS: a cut-off. ARGV: the cut-off (Unix ms), time to live (ms). The later cut-off and the longer time to live win.
    private const string CutOffScript = """
        local cut, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
        local current = redis.call('GET', KEYS[1])
        if current and tonumber(current) > cut then cut = tonumber(current) end
        local left = redis.call('PTTL', KEYS[1])
        if left > ttl then ttl = left end
        redis.call('SET', KEYS[1], cut, 'PX', ttl)
        return 1
        """;

    // KEYS: token hash, set of outstanding use ids. ARGV: the use id. Returns 1 when it was outstanding (once), else 0;
    // the joiner who took the use, if any, is forgotten with it, and the use is given back to every narrowed copy it
    // was counted against (a count that reaches 0 is removed, so the hash holds only live counts).
    private const string ReleaseScript = """
        if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
        local field, counted = 'u:' .. ARGV[1], 'k:' .. ARGV[1]
        local held = redis.call('HMGET', KEYS[1], field, counted)
        if held[1] then redis.call('HDEL', KEYS[1], held[1], field) end
        if held[2] then
          for i = 1, #held[2], 32 do
            local count = 'c:' .. string.sub(held[2], i, i + 31)
            if redis.call('HINCRBY', KEYS[1], count, -1) <= 0 then redis.call('HDEL', KEYS[1], count) end
          end
          redis.call('HDEL', KEYS[1], counted)
        end
        return 1
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

    // Hashes of JIDs in keys: SHA-256 over a label of their kind and the bare JID, cut to 16 bytes (32 hexadecimal digits).
    private const int AddressHashLength = 32;

    private static ReadOnlySpan<byte> ChannelLabel => "Mix.Invitations channel v1\0"u8;

    private static ReadOnlySpan<byte> InviterLabel => "Mix.Invitations inviter v1\0"u8;

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

    /// <summary>Initializes a ledger on a connection the caller owns (and disposes), with the key prefix, database and replica acknowledgements of <paramref name="options"/>.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">The options; their connection settings (<see cref="RedisInvitationLedgerOptions.Configuration"/>, <see cref="RedisInvitationLedgerOptions.ConnectionMultiplexerFactory"/>) are not used.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="connection"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the key prefix is <see langword="null"/>, or the replica acknowledgements or their timeout are out of range.</exception>
    public RedisInvitationLedger(IConnectionMultiplexer connection, RedisInvitationLedgerOptions options, TimeProvider? timeProvider)
        : this(RedisStore.On(connection, options, timeProvider, nameof(options)))
    {
    }

    /// <summary>Initializes a ledger that connects on first use, from options, on the system clock.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, the key prefix is <see langword="null"/>, or the replica acknowledgements or their timeout are out of range.</exception>
    public RedisInvitationLedger(RedisInvitationLedgerOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a ledger that connects on first use, from options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock that decides whether a retention instant has passed and sets the keys' time to live; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the options set neither a configuration string nor a connection factory, the key prefix is <see langword="null"/>, or the replica acknowledgements or their timeout are out of range.</exception>
    public RedisInvitationLedger(RedisInvitationLedgerOptions options, TimeProvider? timeProvider)
        : this(RedisStore.From(options, timeProvider, nameof(options)))
    {
    }

    /// <summary>Initializes a ledger on a connector shared with other stores (the DI registrations), which it does not dispose.</summary>
    internal RedisInvitationLedger(RedisConnector connector, RedisInvitationLedgerOptions options, TimeProvider? timeProvider)
        : this(RedisStore.Shared(connector, options.KeyPrefix, options.Database, timeProvider, ReplicaWait.From(options, nameof(options))))
    {
    }

    private RedisInvitationLedger(RedisStore store) => _store = store;

    /// <summary>Gets the prefix of every key this ledger writes.</summary>
    public string KeyPrefix => _store.KeyPrefix;

    /// <inheritdoc />
    public async ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default)
    {
        var keys = ConsumeKeys(request);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(request.RetainUntil) is not { } ttl)
        {
            // Too late to decide from state; and never a time to live of zero or less.
            return new InvitationLedgerResult(InvitationLedgerOutcome.Expired);
        }

        var joiner = request.Joiner is { } j ? JoinerField(j) : string.Empty;
        var waits = _store.ReplicaWait.IsOn ? "1" : string.Empty;
        var answer = (RedisResult[])(await EvaluateAsync(ConsumeScript, keys, ConsumeValues(request, ttl, joiner, waits), UseAdmitted, cancellationToken).ConfigureAwait(false))!;

        // The answer counts only if it came back before the retention instant: then the script ran before it too, while
        // the keys (which live at least that long) still held every use and revocation. Later, the keys may have
        // expired while the command was on its way, and the script seen nothing: refuse (a use it took stays taken).
        if (TimeToLive(request.RetainUntil) is null)
        {
            return new InvitationLedgerResult(InvitationLedgerOutcome.Expired);
        }

        var result = (long)answer[0];
        return result switch
        {
            -1 => new InvitationLedgerResult(InvitationLedgerOutcome.Revoked),
            -2 => new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted),
            _ => new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, result, isRepeat: (long)answer[1] == 1),
        };
    }

    /// <inheritdoc />
    public async ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var channelTag = ChannelTag(channel);
        if (inviter is { IsEmpty: true })
        {
            throw new ArgumentException("The inviter must be a JID or null, not default(Jid).", nameof(inviter));
        }

        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is { } ttl)
        {
            var key = inviter is { } who ? InviterCutOffKey(channelTag, who) : ChannelCutOffKey(channelTag);
            await EvaluateAsync(CutOffScript, [key], [CeilingUnixMilliseconds(issuedBefore), ttl], Always, cancellationToken).ConfigureAwait(false);
        }

        // Past the retention instant nothing is stored: no token the cut-off reaches can be redeemed any more.
    }

    /// <inheritdoc />
    public async ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        var keys = Keys(tokenId, channel);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is { } ttl)
        {
            await EvaluateAsync(RevokeScript, keys, [ttl], Always, cancellationToken).ConfigureAwait(false);
        }

        // Past the retention instant nothing is stored: every redemption from then on is refused as expired anyway.
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default)
    {
        var keys = Keys(tokenId, channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(useId);
        var removed = (long)await EvaluateAsync(ReleaseScript, keys, [useId], Released, cancellationToken).ConfigureAwait(false);
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
            answer = (RedisResult[])(await EvaluateAsync(ReserveScript, keys, [now, expiry, uses, capacity, RandomNumberGenerator.GetHexString(16, lowercase: true)], Reserved, cancellationToken).ConfigureAwait(false))!;
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

    /// <summary>
    /// The token's hash and the set of its outstanding use ids: <c>{prefix}{{channel hash}}:t:{token id}</c> and
    /// <c>…:u:{token id}</c>, in the channel's slot through the hash tag, with the channel's cut-offs.
    /// </summary>
    private RedisKey[] Keys(InvitationTokenId tokenId, Jid channel)
    {
        var tag = ChannelTag(channel);
        var id = tokenId.ToString();
        return [new RedisKey(string.Concat(tag, ":t:", id)), new RedisKey(string.Concat(tag, ":u:", id))];
    }

    /// <summary>The keys one consume reads: the token's two, the channel's cut-off, and the bound inviter's cut-off when there is one — all in one slot.</summary>
    private RedisKey[] ConsumeKeys(in InvitationLedgerRequest request)
    {
        var tag = ChannelTag(request.Channel);
        var id = request.TokenId.ToString();
        var token = new RedisKey(string.Concat(tag, ":t:", id));
        var uses = new RedisKey(string.Concat(tag, ":u:", id));
        return request.Inviter is { } inviter
            ? [token, uses, ChannelCutOffKey(tag), InviterCutOffKey(tag, inviter)]
            : [token, uses, ChannelCutOffKey(tag)];
    }

    /// <summary>The consume script's ARGV: the token's limit, the time to live, issued-at, the joiner field, whether it waits for replicas, then each copy limit's id (32 hexadecimal digits, as the script slices them) and limit.</summary>
    private static RedisValue[] ConsumeValues(in InvitationLedgerRequest request, long ttl, string joiner, string waits)
    {
        var copies = request.CopyLimits.Span;
        var values = new RedisValue[5 + (2 * copies.Length)];
        values[0] = request.MaxUses;
        values[1] = ttl;
        values[2] = FloorUnixMilliseconds(request.IssuedAt);
        values[3] = joiner;
        values[4] = waits;
        for (var i = 0; i < copies.Length; i++)
        {
            values[5 + (2 * i)] = copies[i].CopyId.ToString();
            values[6 + (2 * i)] = copies[i].MaxUses;
        }

        return values;
    }

    /// <summary>
    /// <c>{prefix}{{channel hash}}</c>: the start of every key of the channel's tokens and cut-offs, whose hash tag puts
    /// them in one slot so that one script reads a token and the cut-offs that apply to it. The channel hash has a fixed
    /// length, and what follows it (<c>:t:</c>, <c>:u:</c>, <c>:cut</c>) tells the kinds apart.
    /// </summary>
    private string ChannelTag(Jid channel)
    {
        if (channel.IsEmpty)
        {
            throw new ArgumentException("The channel must be a JID, not default(Jid).", nameof(channel));
        }

        Span<char> hash = stackalloc char[AddressHashLength];
        WriteAddressHash(ChannelLabel, channel.Bare, hash);
        return string.Concat(_store.KeyPrefix, "{", hash, "}");
    }

    /// <summary>The channel's cut-off: a string, the instant in Unix milliseconds before which its tokens are revoked.</summary>
    private static RedisKey ChannelCutOffKey(string channelTag) => new(channelTag + ":cut");

    /// <summary>An inviter's cut-off in the channel: <c>…:cut:{inviter hash}</c>, expiring on its own.</summary>
    private static RedisKey InviterCutOffKey(string channelTag, Jid inviter)
    {
        Span<char> hash = stackalloc char[AddressHashLength];
        WriteAddressHash(InviterLabel, inviter.Bare, hash);
        return new(string.Concat(channelTag, ":cut:", hash));
    }

    /// <summary>SHA-256("Mix.Invitations inviter v1" || 0x00 || bare JID), first 16 bytes, in hexadecimal: an inviter in a key without the JID in clear.</summary>
    private static string InviterHash(Jid bare) => AddressHash(InviterLabel, bare);

    /// <summary>The token hash's field that holds a joiner's use: <c>j:</c> and the joiner's hash (no JID in clear).</summary>
    private static string JoinerField(Jid joiner)
    {
        Span<char> hash = stackalloc char[AddressHashLength];
        WriteAddressHash("Mix.Invitations joiner v1\0"u8, joiner.Bare, hash);
        return string.Concat("j:", hash);
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
    internal static string ChannelHash(Jid bare) => AddressHash(ChannelLabel, bare);

    /// <summary>SHA-256(label || bare JID in UTF-8), first 16 bytes, in lowercase hexadecimal: a JID in a key or value without the JID in clear.</summary>
    private static string AddressHash(ReadOnlySpan<byte> label, Jid bare)
    {
        Span<char> hash = stackalloc char[AddressHashLength];
        WriteAddressHash(label, bare, hash);
        return hash.ToString();
    }

    /// <summary>
    /// Writes <see cref="AddressHash"/>'s <see cref="AddressHashLength"/> hexadecimal digits to
    /// <paramref name="destination"/>, so a key is made in one string (a redemption makes three such hashes).
    /// </summary>
    private static void WriteAddressHash(ReadOnlySpan<byte> label, Jid bare, Span<char> destination)
    {
        var jid = bare.ToString();
        var length = label.Length + Encoding.UTF8.GetByteCount(jid);
        var input = length <= 512 ? stackalloc byte[512] : new byte[length];
        input = input[..length];
        label.CopyTo(input);
        Encoding.UTF8.GetBytes(jid, input[label.Length..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        Convert.TryToHexStringLower(hash[..(AddressHashLength / 2)], destination, out _);
    }

    /// <summary>An instant in Unix milliseconds, rounded down.</summary>
    private static long FloorUnixMilliseconds(DateTimeOffset instant) => instant.ToUnixTimeMilliseconds();

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

    // Which answers a failover must not lose, so that with replica acknowledgements they wait for the replicas: a use
    // taken or answered again (a refusal, or an unlimited token's revocation check, writes nothing that admits), every
    // revocation, a release that gave a use back, a reservation made.
    private static bool UseAdmitted(RedisResult answer) => (long)((RedisResult[])answer!)[0] > 0;

    private static bool Always(RedisResult answer) => true;

    // Reads of the inventory admit nothing (a list may drop index members of records that expired: nothing to keep).
    private static bool Never(RedisResult answer) => false;

    // An inventory record added (1), not one that was there already (0).
    private static bool Added(RedisResult answer) => (long)answer == 1;

    private static bool Released(RedisResult answer) => (long)answer == 1;

    private static bool Reserved(RedisResult answer) => (long)((RedisResult[])answer!)[0] == 1;

    private async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values, Func<RedisResult, bool> mustReplicate, CancellationToken cancellationToken)
    {
        ThrowIfUnusable(cancellationToken);
        try
        {
            var connection = await _store.Connector.GetAsync(cancellationToken).ConfigureAwait(false);
            return await _store.EvaluateAsync(connection, script, keys, values, mustReplicate, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // RedisConnectionException, RedisTimeoutException (a TimeoutException), RedisServerException (LOADING,
            // MISCONF, READONLY, a foreign value under our key): the ledger cannot answer, so the redemption is refused.
            throw new InvitationLedgerUnavailableException($"Redis did not answer the ledger: {ex.GetType().Name}.", ex);
        }
    }
}
