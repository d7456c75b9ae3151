using System.Collections.Concurrent;

namespace Mix.Invitations;

/// <content>The inventory (<see cref="IInvitationInventory"/>): records per channel, their state read from the ledger's entries and cut-offs.</content>
public sealed partial class InMemoryInvitationLedger : IInvitationInventory
{
    private static readonly Comparer<Position> NewestLast = Comparer<Position>.Create(static (a, b) =>
    {
        var seconds = a.Seconds.CompareTo(b.Seconds);
        return seconds != 0 ? seconds : a.TokenId.CompareTo(b.TokenId);
    });

    private readonly ConcurrentDictionary<Jid, ChannelInventory> _inventory = new();

    /// <summary>Gets the number of inventory records held, including expired ones not yet purged (for diagnostics and tests).</summary>
    internal int RecordCount => _inventory.Values.Sum(static channel =>
    {
        lock (channel)
        {
            return channel.Records.Count;
        }
    });

    /// <inheritdoc />
    /// <remarks>Kept per channel in a sorted set by (issued-at, token id) and, for a bound inviter, in the inviter's set too, under the channel's lock; forgotten by the purge once <paramref name="retainUntil"/> has passed.</remarks>
    public ValueTask AddAsync(InvitationRecord record, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckChannel(record.Channel);
        cancellationToken.ThrowIfCancellationRequested();
        var retainUntilTicks = retainUntil.UtcTicks;
        if (retainUntilTicks <= _time.GetUtcNow().UtcTicks)
        {
            return ValueTask.CompletedTask; // no token it lists could still be redeemed
        }

        var channel = record.Channel.Bare;
        var stored = record.With(0, InvitationState.Active);
        var position = new Position(record.IssuedAt.ToUnixTimeSeconds(), record.TokenId);
        while (true)
        {
            var inventory = _inventory.GetOrAdd(channel, static _ => new ChannelInventory());
            lock (inventory)
            {
                if (inventory.Removed)
                {
                    continue; // the purge took it out meanwhile: use a fresh one
                }

                if (inventory.Records.TryAdd(record.TokenId, new Stored(stored, position, retainUntilTicks)))
                {
                    inventory.All.Add(position);
                    if (record.Inviter is { } inviter)
                    {
                        var bare = inviter.Bare;
                        if (!inventory.ByInviter.TryGetValue(bare, out var set))
                        {
                            inventory.ByInviter[bare] = set = new SortedSet<Position>(NewestLast);
                        }

                        set.Add(position);
                    }
                }

                return ValueTask.CompletedTask;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A view of the channel's (or inviter's) sorted set below the cursor, walked from its top: O(log n + page) under the channel's lock; each record's state is then read under its entry's own lock.</remarks>
    public ValueTask<InvitationInventoryPage> ListAsync(InvitationInventoryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        var scanned = new List<InvitationRecord>(query.ScanLimit);
        var more = false;
        var last = default(InvitationInventoryCursor);
        var nowTicks = _time.GetUtcNow().UtcTicks;
        if (_inventory.TryGetValue(query.Channel, out var inventory))
        {
            lock (inventory)
            {
                var set = query.Inviter is { } inviter ? inventory.ByInviter.GetValueOrDefault(inviter) : inventory.All;
                var top = query.After is { } after ? new Position(after.IssuedAtSeconds, after.TokenId) : default;
                if (set is { Count: > 0 } && (query.After is null || NewestLast.Compare(set.Min, top) <= 0))
                {
                    var view = query.After is null ? set : set.GetViewBetween(set.Min, top);
                    var looked = 0;
                    foreach (var position in view.Reverse())
                    {
                        if (query.After is { } cursor && !cursor.Precedes(position.Seconds, position.TokenId))
                        {
                            continue; // the cursor's own record, the view's inclusive top
                        }

                        if (looked == query.ScanLimit)
                        {
                            more = true;
                            break;
                        }

                        looked++;
                        last = new InvitationInventoryCursor(DateTimeOffset.FromUnixTimeSeconds(position.Seconds), position.TokenId);
                        var stored = inventory.Records[position.TokenId];
                        if (stored.RetainUntilTicks > nowTicks)
                        {
                            scanned.Add(stored.Record); // past its retention it is forgotten, purged or not
                        }
                    }
                }
            }
        }

        // The states are read outside the channel's lock, each under its entry's own: a page holds at most PageSize
        // records, and when it fills before the candidates run out, the next page starts after its last record.
        var now = _time.GetUtcNow();
        var records = new List<InvitationRecord>(Math.Min(scanned.Count, query.PageSize));
        for (var i = 0; i < scanned.Count; i++)
        {
            var described = Describe(scanned[i], now);
            if (query.State is { } state && described.State != state)
            {
                continue;
            }

            records.Add(described);
            if (records.Count == query.PageSize && (i < scanned.Count - 1 || more))
            {
                return ValueTask.FromResult(new InvitationInventoryPage(records, described.Position));
            }
        }

        return ValueTask.FromResult(new InvitationInventoryPage(records, more ? last : null));
    }

    /// <inheritdoc />
    public ValueTask<InvitationRecord?> GetAsync(Jid channel, InvitationTokenId tokenId, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        cancellationToken.ThrowIfCancellationRequested();
        InvitationRecord? record = null;
        if (_inventory.TryGetValue(channel.Bare, out var inventory))
        {
            lock (inventory)
            {
                if (inventory.Records.TryGetValue(tokenId, out var stored) && stored.RetainUntilTicks > _time.GetUtcNow().UtcTicks)
                {
                    record = stored.Record;
                }
            }
        }

        return ValueTask.FromResult(record is null ? null : Describe(record, _time.GetUtcNow()));
    }

    /// <summary>The record with its uses and state as the ledger holds them now: its entry's revocation mark and outstanding uses, and the cut-offs that reach its issued-at.</summary>
    private InvitationRecord Describe(InvitationRecord record, DateTimeOffset now)
    {
        var revoked = false;
        var uses = 0;
        if (_entries.TryGetValue(new EntryKey(record.TokenId, record.Channel), out var entry))
        {
            lock (entry)
            {
                if (!entry.Removed)
                {
                    revoked = entry.Revoked;
                    uses = entry.OutstandingCount;
                }
            }
        }

        var issuedAtTicks = record.IssuedAt.UtcTicks;
        revoked = revoked
            || IsBefore(new CutOffKey(record.Channel, default), issuedAtTicks)
            || (record.Inviter is { } inviter && IsBefore(new CutOffKey(record.Channel, inviter.Bare), issuedAtTicks));
        return record.With(uses, InvitationRecord.StateOf(revoked, uses, record.MaxUses, record.ExpiresAt, now));
    }

    /// <summary>Forgets every record whose retention has passed, and every channel left without records.</summary>
    private void PurgeInventory()
    {
        foreach (var pair in _inventory)
        {
            var inventory = pair.Value;
            lock (inventory)
            {
                var nowTicks = _time.GetUtcNow().UtcTicks;
                List<Stored>? expired = null;
                foreach (var stored in inventory.Records.Values)
                {
                    if (stored.RetainUntilTicks <= nowTicks)
                    {
                        (expired ??= []).Add(stored);
                    }
                }

                foreach (var stored in expired ?? [])
                {
                    inventory.Records.Remove(stored.Record.TokenId);
                    inventory.All.Remove(stored.Position);
                    if (stored.Record.Inviter is { } inviter && inventory.ByInviter.TryGetValue(inviter, out var set))
                    {
                        set.Remove(stored.Position);
                        if (set.Count == 0)
                        {
                            inventory.ByInviter.Remove(inviter);
                        }
                    }
                }

                if (inventory.Records.Count == 0)
                {
                    inventory.Removed = true;
                    _inventory.TryRemove(pair);
                }
            }
        }
    }

    /// <summary>A record's place in its channel's order: issued-at in Unix seconds, then token id.</summary>
    private readonly record struct Position(long Seconds, InvitationTokenId TokenId);

    private sealed record Stored(InvitationRecord Record, Position Position, long RetainUntilTicks);

    /// <summary>One channel's records, by id and in order (all, and per bound inviter), under the instance's lock.</summary>
    private sealed class ChannelInventory
    {
        public Dictionary<InvitationTokenId, Stored> Records { get; } = [];

        public SortedSet<Position> All { get; } = new(NewestLast);

        public Dictionary<Jid, SortedSet<Position>> ByInviter { get; } = [];

        public bool Removed { get; set; }
    }
}
