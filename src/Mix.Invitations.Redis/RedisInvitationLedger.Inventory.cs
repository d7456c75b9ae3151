using System.Globalization;
using StackExchange.Redis;

namespace Mix.Invitations;

/// <content>
/// The inventory (<see cref="IInvitationInventory"/>): per invitation a hash <c>C:i:{token id}</c>, per channel a sorted
/// set <c>C:inv</c> and per bound inviter <c>C:inv:{inviter hash}</c> of token ids scored by issued-at — all under the
/// channel's hash tag, so every script runs in one slot of a Redis Cluster.
/// </content>
public sealed partial class RedisInvitationLedger : IInvitationInventory
{
    // Fields of an inventory record's hash.
    private const string IssuedAtField = "ia", ExpiresAtField = "ea", RetainField = "ru", MaxUsesField = "m", PolicyField = "p";
    private const string InviterField = "ir", InviteeField = "ie", LabelField = "l", InviterHashField = "ih";

    // keep_index(key, ttl): an index lives as long as its longest-lived record: lengthened, never shortened.
    // forget_dead(index, tag): drops up to 8 of the oldest members whose record is gone (expired), so an index holds
    // about as many members as live records without any scan: each add pays for the members it outlived.
    private const string IndexFunctions = """
        local function keep_index(key, ttl)
          local left = redis.call('PTTL', key)
          if left < ttl then redis.call('PEXPIRE', key, ttl) end
        end
        local function forget_dead(index, tag)
          for _, member in ipairs(redis.call('ZRANGE', index, 0, 7)) do
            if redis.call('EXISTS', tag .. ':i:' .. member) == 0 then redis.call('ZREM', index, member) end
          end
        end

        """;

    // KEYS: record hash, channel index, [inviter index]. ARGV: channel tag, token id, issued-at (s), time to live (ms),
    // then the record's field/value pairs. Returns 1 when added, 0 when the id was recorded already (nothing changes).
    private const string AddScript = IndexFunctions + """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        local ttl = tonumber(ARGV[4])
        local fields = {}
        for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
        redis.call('HSET', KEYS[1], unpack(fields))
        redis.call('PEXPIRE', KEYS[1], ttl)
        for i = 2, #KEYS do
          redis.call('ZADD', KEYS[i], ARGV[3], ARGV[2])
          keep_index(KEYS[i], ttl)
          forget_dead(KEYS[i], ARGV[1])
        end
        return 1
        """;

    // describe(tag, id, now): the record of token id as a flat array — id, issued-at, expires-at, max uses, policy,
    // inviter, invitee, label, outstanding uses, revoked (1/0) — read with the ledger's entry (revocation mark, set of
    // outstanding uses) and the cut-offs that reach it; false when the record is gone or past its retention.
    private const string DescribeFunction = """
        local cuts = {}
        local function cut_of(key)
          if cuts[key] == nil then cuts[key] = tonumber(redis.call('GET', key) or '-1') end
          return cuts[key]
        end
        local function describe(tag, id, now)
          local r = redis.call('HMGET', tag .. ':i:' .. id, 'ia', 'ea', 'ru', 'm', 'p', 'ir', 'ie', 'l', 'ih')
          if not r[1] or tonumber(r[3]) <= now then return false end
          local issued = tonumber(r[1]) * 1000
          local revoked = redis.call('HEXISTS', tag .. ':t:' .. id, 'r') == 1 or issued < cut_of(tag .. ':cut')
          if not revoked and r[9] then revoked = issued < cut_of(tag .. ':cut:' .. r[9]) end
          local uses = redis.call('SCARD', tag .. ':u:' .. id)
          return {id, r[1], r[2], r[4], r[5], r[6] or '', r[7] or '', r[8] or '', uses, revoked and 1 or 0}
        end

        """;

    // KEYS: the index listed (the channel's, or an inviter's). ARGV: channel tag, cursor score ('' to start at the
    // newest), cursor token id, how many to look at, now (Unix ms). The cursor's rank is found in O(log n) — its member
    // put back for the moment when it is gone —, then the next members in O(log n + limit). Members whose record is gone
    // are removed. Returns {1 when more follow else 0, last looked-at score, last looked-at id, record, record, …}.
    private const string ListScript = DescribeFunction + """
        local index, tag = KEYS[1], ARGV[1]
        local limit, now = tonumber(ARGV[4]), tonumber(ARGV[5])
        local start = 0
        if ARGV[2] ~= '' then
          local added = redis.call('ZADD', index, 'NX', ARGV[2], ARGV[3])
          start = redis.call('ZREVRANK', index, ARGV[3]) + 1
          if added == 1 then
            redis.call('ZREM', index, ARGV[3])
            start = start - 1
          end
        end
        local members = redis.call('ZREVRANGE', index, start, start + limit, 'WITHSCORES')
        local result = {0, '', ''}
        local looked = 0
        for i = 1, #members, 2 do
          if looked == limit then result[1] = 1 break end
          looked = looked + 1
          local id = members[i]
          result[2], result[3] = members[i + 1], id
          local record = describe(tag, id, now)
          if record then
            result[#result + 1] = record
          elseif redis.call('EXISTS', tag .. ':i:' .. id) == 0 then
            redis.call('ZREM', index, id)
          end
        end
        return result
        """;

    // ARGV: channel tag, token id, now (Unix ms). Returns the record, or {} when there is none.
    private const string GetScript = DescribeFunction + """
        return describe(ARGV[1], ARGV[2], tonumber(ARGV[3])) or {}
        """;

    /// <inheritdoc />
    /// <remarks>
    /// One script: the record's hash (with the time to live of its retention), and the token id in the channel's sorted
    /// set — and in the bound inviter's — scored by issued-at. Each add also drops up to eight of the oldest members of
    /// those sets whose record has expired, so the sets stay about as large as the live records without a scan; the
    /// sets themselves expire with their longest-lived record.
    /// </remarks>
    public async ValueTask AddAsync(InvitationRecord record, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var tag = ChannelTag(record.Channel);
        ThrowIfUnusable(cancellationToken);
        if (TimeToLive(retainUntil) is not { } ttl)
        {
            return; // no token it lists could still be redeemed
        }

        var id = record.TokenId.ToString();
        var issuedAt = record.IssuedAt.ToUnixTimeSeconds();
        var inviterHash = record.Inviter is { } inviter ? InviterHash(inviter.Bare) : null;
        var keys = inviterHash is null
            ? new RedisKey[] { RecordKey(tag, id), IndexKey(tag) }
            : [RecordKey(tag, id), IndexKey(tag), IndexKey(tag, inviterHash)];
        var values = new List<RedisValue>(24)
        {
            tag, id, issuedAt, ttl,
            IssuedAtField, issuedAt,
            ExpiresAtField, record.ExpiresAt.ToUnixTimeSeconds(),
            RetainField, CeilingUnixMilliseconds(retainUntil),
            MaxUsesField, record.MaxUses,
            PolicyField, record.Policy,
        };
        AddField(values, InviterField, record.Inviter?.Bare.ToString());
        AddField(values, InviteeField, record.Invitee?.Bare.ToString());
        AddField(values, LabelField, record.Label);
        AddField(values, InviterHashField, inviterHash);
        await EvaluateAsync(AddScript, keys, [.. values], Added, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One script on the channel's (or inviter's) sorted set: O(log n + page), one round trip, whatever the channel holds.</remarks>
    public async ValueTask<InvitationInventoryPage> ListAsync(InvitationInventoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tag = ChannelTag(query.Channel);
        var index = query.Inviter is { } inviter ? IndexKey(tag, InviterHash(inviter)) : IndexKey(tag);
        var after = query.After;
        var answer = (RedisResult[])(await EvaluateAsync(
            ListScript,
            [index],
            [tag, after?.IssuedAtSeconds.ToString(CultureInfo.InvariantCulture) ?? string.Empty, after?.TokenId.ToString() ?? string.Empty, query.ScanLimit, NowUnixMilliseconds()],
            Never,
            cancellationToken).ConfigureAwait(false))!;

        var now = _store.Time.GetUtcNow();
        var more = (long)answer[0] == 1;
        var records = new List<InvitationRecord>(Math.Min(answer.Length - 3, query.PageSize));
        for (var i = 3; i < answer.Length; i++)
        {
            var record = Record(query.Channel, (RedisResult[])answer[i]!, now);
            if (query.State is { } state && record.State != state)
            {
                continue;
            }

            records.Add(record);
            if (records.Count == query.PageSize && (i < answer.Length - 1 || more))
            {
                return new InvitationInventoryPage(records, record.Position); // full before the candidates ran out
            }
        }

        InvitationInventoryCursor? next = null;
        if (more && InvitationTokenId.TryParse((string)answer[2]!, out var lastId))
        {
            next = new InvitationInventoryCursor(DateTimeOffset.FromUnixTimeSeconds((long)answer[1]), lastId);
        }

        return new InvitationInventoryPage(records, next);
    }

    /// <inheritdoc />
    public async ValueTask<InvitationRecord?> GetAsync(Jid channel, InvitationTokenId tokenId, CancellationToken cancellationToken = default)
    {
        var tag = ChannelTag(channel);
        var answer = (RedisResult[])(await EvaluateAsync(GetScript, [RecordKey(tag, tokenId.ToString())], [tag, tokenId.ToString(), NowUnixMilliseconds()], Never, cancellationToken).ConfigureAwait(false))!;
        return answer.Length == 0 ? null : Record(channel.Bare, answer, _store.Time.GetUtcNow());
    }

    private static void AddField(List<RedisValue> values, string field, string? value)
    {
        if (value is not null)
        {
            values.Add(field);
            values.Add(value);
        }
    }

    /// <summary>A record from the flat array the scripts return (see <c>describe</c>), its state by the one rule every inventory applies.</summary>
    private static InvitationRecord Record(Jid channel, RedisResult[] r, DateTimeOffset now)
    {
        var inviter = (string)r[5]!;
        var invitee = (string)r[6]!;
        var label = (string)r[7]!;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)r[2]);
        var maxUses = (int)r[3];
        var uses = (int)r[8];
        return new InvitationRecord
        {
            TokenId = InvitationTokenId.TryParse((string)r[0]!, out var id) ? id : throw new InvalidOperationException("A Redis inventory record holds a malformed token id."),
            Channel = channel,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds((long)r[1]),
            ExpiresAt = expiresAt,
            MaxUses = maxUses,
            Policy = (string)r[4]!,
            Inviter = inviter.Length == 0 ? null : Jid.Parse(inviter),
            Invitee = invitee.Length == 0 ? null : Jid.Parse(invitee),
            Label = label.Length == 0 ? null : label,
            Uses = uses,
            State = InvitationRecord.StateOf((long)r[9] == 1, uses, maxUses, expiresAt, now),
        };
    }

    private long NowUnixMilliseconds() => _store.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>An inventory record: <c>{prefix}{{channel hash}}:i:{token id}</c>.</summary>
    private static RedisKey RecordKey(string channelTag, string tokenId) => new(string.Concat(channelTag, ":i:", tokenId));

    /// <summary>The channel's index: <c>…:inv</c>, token ids scored by issued-at (Unix seconds).</summary>
    private static RedisKey IndexKey(string channelTag) => new(channelTag + ":inv");

    /// <summary>A bound inviter's index in the channel: <c>…:inv:{inviter hash}</c>.</summary>
    private static RedisKey IndexKey(string channelTag, string inviterHash) => new(string.Concat(channelTag, ":inv:", inviterHash));
}
