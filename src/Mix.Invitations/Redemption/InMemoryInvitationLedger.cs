using System.Collections.Concurrent;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// A ledger held in this process's memory: the default, right for a single node and for tests.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: each entry is updated under its own lock, so concurrent redemptions of one token are serialised and
/// those of different tokens do not contend. Several nodes must <em>not</em> each use their own instance — each would
/// count uses separately and see only its own revocations; share a Redis ledger (package
/// <c>Mix.Invitations.Redis</c>) instead.
/// </para>
/// <para>
/// Memory is bounded by the live tokens: an entry is kept until the latest retention instant it was given (the token's
/// expiry, plus the expiry tolerance, plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/>) and then removed by
/// a purge that runs every <see cref="PurgeInterval"/> on a timer of the <see cref="TimeProvider"/>. A redemption that
/// reaches the ledger at or after its retention instant is refused with <see cref="InvitationLedgerOutcome.Expired"/>;
/// before it, the entry is decided from as stored, whether or not an earlier instant has passed — "retention passed"
/// is never read as "unused". Every clock read that decides is made under the entry's lock, as the purge's is, so a
/// purge can never come between a decision and the entry it was made from. Tokens without a use limit take no memory
/// unless revoked. A use-limited token's entry holds the ids of its outstanding uses (and a counter, so that no id is
/// ever given out twice), and for each use taken with a joiner that joiner, so a retry answers the same use: a release
/// removes its id and its joiner, once. Bulk revocations are cut-off instants per channel and per (channel, inviter),
/// read under the entry's lock by every consume, kept until their retention and purged with the entries. Entries do not survive a restart: a consumed single-use token becomes redeemable again after a
/// restart (within its lifetime).
/// </para>
/// <para>
/// It also keeps the bearer-use reservations of <see cref="IInvitationUseReservations"/>: per channel, the running total
/// of the uses reserved and a min-heap of the reservations by expiry, under the channel's own lock. Each call first drops
/// the reservations that have expired (each is dropped once: amortised O(log n) a reservation), and the purge drops a
/// channel whose reservations have all expired, so memory is bounded by the live reservations — at most the capacity of
/// a channel, since each holds at least one use.
/// </para>
/// </remarks>
public sealed partial class InMemoryInvitationLedger : IInvitationLedger, IInvitationUseReservations, IDisposable
{
    private readonly ConcurrentDictionary<EntryKey, Entry> _entries = new();
    private readonly ConcurrentDictionary<Jid, Reservations> _reservations = new();
    private readonly ConcurrentDictionary<CutOffKey, CutOff> _cutOffs = new();
    private readonly TimeProvider _time;
    private readonly ITimer _purgeTimer;

    /// <summary>Initializes a new, empty ledger.</summary>
    /// <param name="timeProvider">The clock, and the source of the purge timer; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="purgeInterval">How often expired entries are removed; <see langword="null"/> for one minute.</param>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="purgeInterval"/> is not positive.</exception>
    public InMemoryInvitationLedger(TimeProvider? timeProvider = null, TimeSpan? purgeInterval = null)
    {
        var interval = purgeInterval ?? TimeSpan.FromMinutes(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(purgeInterval));
        _time = timeProvider ?? TimeProvider.System;
        PurgeInterval = interval;
        _purgeTimer = _time.CreateTimer(static state => ((InMemoryInvitationLedger)state!).Purge(), this, interval, interval);
    }

    /// <summary>Gets how often expired entries are removed.</summary>
    public TimeSpan PurgeInterval { get; }

    /// <summary>Gets the number of entries held, including expired ones not yet purged (for diagnostics and tests).</summary>
    internal int Count => _entries.Count;

    /// <summary>Gets the number of cut-offs held (channels' and inviters'), including expired ones not yet purged (for diagnostics and tests).</summary>
    internal int CutOffCount => _cutOffs.Count;

    /// <summary>Gets the number of channels with reservations held, including expired ones not yet purged (for diagnostics and tests).</summary>
    internal int ReservedChannelCount => _reservations.Count;

    /// <inheritdoc />
    public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default)
    {
        CheckChannel(request.Channel);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(TryConsumeCore(request));
    }

    /// <inheritdoc />
    public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        JidArgument.ThrowIfEmpty(inviter, nameof(inviter));
        cancellationToken.ThrowIfCancellationRequested();
        RevokeIssuedBeforeCore(new CutOffKey(channel.Bare, inviter.HasValue ? inviter.GetValueOrDefault().Bare : default), issuedBefore.UtcTicks, retainUntil.UtcTicks);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        cancellationToken.ThrowIfCancellationRequested();
        RevokeCore(new EntryKey(tokenId, channel), retainUntil.UtcTicks);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(useId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ReleaseCore(new EntryKey(tokenId, channel), useId));
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// When the channel's live reservations leave too little room, the result is exceeded with the time until the
    /// earliest of them expires: the soonest any room is made, though it may be too little for
    /// <paramref name="uses"/> (asked again then, it answers with the next expiry). A reservation of more uses than
    /// <paramref name="capacity"/> can never fit: exceeded without a retry-after. An invitation whose expiry has passed
    /// holds no uses: acquired, and nothing is kept.
    /// </para>
    /// <para>The clock is this ledger's <see cref="TimeProvider"/>, read under the channel's lock.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="uses"/> or <paramref name="capacity"/> is less than 1.</exception>
    public ValueTask<InvitationLimitResult> TryReserveAsync(Jid channel, int uses, int capacity, DateTimeOffset until, CancellationToken cancellationToken)
    {
        CheckChannel(channel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(uses);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(TryReserveCore(channel.Bare, uses, capacity, until.UtcTicks));
    }

    /// <summary>Removes every entry whose retention instant has passed, and every channel whose reservations have all expired. The purge timer calls it; callers need not.</summary>
    public void Purge()
    {
        PurgeReservations();
        PurgeCutOffs();
        PurgeInventory();
        foreach (var pair in _entries)
        {
            var entry = pair.Value;
            lock (entry)
            {
                // The clock is read under the entry's lock, as every decision about the entry reads it: a redemption
                // that decided before this instant saw the entry, one that decides after it sees the instant passed.
                if (entry.Removed || entry.RetainUntilTicks > _time.GetUtcNow().UtcTicks)
                {
                    continue;
                }

                // Mark first: a writer that fetched this instance before the removal retries with a fresh one.
                entry.Removed = true;
                _entries.TryRemove(pair);
            }
        }
    }

    /// <summary>Stops the purge timer.</summary>
    public void Dispose() => _purgeTimer.Dispose();

    private InvitationLimitResult TryReserveCore(Jid channel, int uses, int capacity, long untilTicks)
    {
        if (uses > capacity)
        {
            return InvitationLimitResult.Exceeded(null); // it will never fit
        }

        if (untilTicks <= _time.GetUtcNow().UtcTicks)
        {
            return InvitationLimitResult.Acquired; // an expired invitation holds no uses; checked again under the lock
        }

        while (true)
        {
            var reservations = _reservations.GetOrAdd(channel, static _ => new Reservations());
            lock (reservations)
            {
                if (reservations.Removed)
                {
                    continue; // the purge took it out meanwhile: use a fresh one
                }

                var now = _time.GetUtcNow().UtcTicks;
                reservations.DropExpired(now);
                if (untilTicks <= now)
                {
                    return InvitationLimitResult.Acquired;
                }

                if (reservations.Total + uses > capacity)
                {
                    // Total + uses > capacity >= uses, so the total is positive: there is a live reservation.
                    reservations.Heap.TryPeek(out _, out var earliest);
                    return InvitationLimitResult.Exceeded(TimeSpan.FromTicks(earliest - now));
                }

                reservations.Heap.Enqueue(uses, untilTicks);
                reservations.Total += uses;
                return InvitationLimitResult.Acquired;
            }
        }
    }

    private void PurgeReservations()
    {
        foreach (var pair in _reservations)
        {
            var reservations = pair.Value;
            lock (reservations)
            {
                reservations.DropExpired(_time.GetUtcNow().UtcTicks);
                if (reservations.Removed || reservations.Heap.Count > 0)
                {
                    continue;
                }

                // Mark first: a caller that fetched this instance before the removal retries with a fresh one.
                reservations.Removed = true;
                _reservations.TryRemove(pair);
            }
        }
    }

    private InvitationLedgerResult TryConsumeCore(in InvitationLedgerRequest request)
    {
        var key = new EntryKey(request.TokenId, request.Channel);
        var retainUntilTicks = request.RetainUntil.UtcTicks;
        if (!request.TakesUse)
        {
            // Not use-limited: only revocations matter, and nothing is written. The cut-offs are read after the token's
            // own entry: a decision that writes nothing is made at that read, and a revocation stored before it is seen.
            var outcome = WithEntry(key, retainUntilTicks, static entry => entry.Revoked ? InvitationLedgerOutcome.Revoked : InvitationLedgerOutcome.Consumed)
                ?? InvitationLedgerOutcome.Consumed;
            return new(outcome == InvitationLedgerOutcome.Consumed && IsCutOff(request) ? InvitationLedgerOutcome.Revoked : outcome);
        }

        return UpdateLive(key, retainUntilTicks, (Ledger: this, Request: request), static (entry, state) =>
        {
            // Under the entry's lock: the cut-offs read here and the use taken below are one decision.
            if (entry.Revoked || state.Ledger.IsCutOff(state.Request))
            {
                return new InvitationLedgerResult(InvitationLedgerOutcome.Revoked);
            }

            var joiner = state.Request.Joiner;
            if (joiner.HasValue && entry.TryGetHeld(joiner.GetValueOrDefault(), out var held))
            {
                return new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, held, isRepeat: true); // a retry: no second use
            }

            // The original's limit, then every narrowed copy's along the chain: all of them, or no use is taken.
            if ((state.Request.MaxUses > 0 && entry.OutstandingCount >= state.Request.MaxUses) || entry.IsAnyCopyExhausted(state.Request.CopyLimits.Span))
            {
                return new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted);
            }

            var useId = entry.Take(joiner); // a new id, never reused: a release removes the id, the counter stays
            entry.CountCopies(useId, state.Request.CopyLimits.Span);

            return new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, useId);
        }) ?? new InvitationLedgerResult(InvitationLedgerOutcome.Expired);
    }

    /// <summary>Whether the token was issued before its channel's cut-off, or before its bound inviter's cut-off in the channel, while that cut-off is kept.</summary>
    private bool IsCutOff(in InvitationLedgerRequest request)
    {
        var issuedAtTicks = request.IssuedAt.UtcTicks;
        return IsBefore(new CutOffKey(request.Channel, default), issuedAtTicks)
            || (request.Inviter is { } inviter && IsBefore(new CutOffKey(request.Channel, inviter), issuedAtTicks));
    }

    private bool IsBefore(CutOffKey key, long issuedAtTicks)
    {
        if (!_cutOffs.TryGetValue(key, out var cutOff))
        {
            return false;
        }

        lock (cutOff)
        {
            // A cut-off past its retention reaches no token that could still be redeemed: answering from it or not is alike.
            return !cutOff.Removed && issuedAtTicks < cutOff.IssuedBeforeTicks;
        }
    }

    private void RevokeIssuedBeforeCore(CutOffKey key, long issuedBeforeTicks, long retainUntilTicks)
    {
        if (retainUntilTicks <= _time.GetUtcNow().UtcTicks)
        {
            return; // no token it reaches can be redeemed any more
        }

        while (true)
        {
            var cutOff = _cutOffs.GetOrAdd(key, static _ => new CutOff());
            lock (cutOff)
            {
                if (cutOff.Removed)
                {
                    continue; // the purge took it out meanwhile: use a fresh one
                }

                // The later cut-off and the longer retention win: a revocation never undoes an earlier, wider one.
                cutOff.IssuedBeforeTicks = Math.Max(cutOff.IssuedBeforeTicks, issuedBeforeTicks);
                cutOff.RetainUntilTicks = Math.Max(cutOff.RetainUntilTicks, retainUntilTicks);
                return;
            }
        }
    }

    private void PurgeCutOffs()
    {
        foreach (var pair in _cutOffs)
        {
            var cutOff = pair.Value;
            lock (cutOff)
            {
                if (cutOff.Removed || cutOff.RetainUntilTicks > _time.GetUtcNow().UtcTicks)
                {
                    continue;
                }

                cutOff.Removed = true;
                _cutOffs.TryRemove(pair);
            }
        }
    }

    private void RevokeCore(EntryKey key, long retainUntilTicks)
    {
        // Past the retention instant nothing is stored: every redemption from then on is refused as expired anyway.
        UpdateLive(key, retainUntilTicks, false, static (entry, _) =>
        {
            entry.Revoked = true;
            return true;
        });
    }

    /// <summary>
    /// Runs <paramref name="decide"/> under the lock of the token's entry when there is one, after checking — under that
    /// lock, so that no purge can come in between — that <paramref name="retainUntilTicks"/> has not passed. Writes
    /// nothing when there is no entry.
    /// </summary>
    /// <returns>The decision; <see cref="InvitationLedgerOutcome.Expired"/> when the retention instant has passed; <see langword="null"/> when there is no entry and the instant has not passed.</returns>
    private InvitationLedgerOutcome? WithEntry(EntryKey key, long retainUntilTicks, Func<Entry, InvitationLedgerOutcome> decide)
    {
        while (_entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                if (retainUntilTicks <= _time.GetUtcNow().UtcTicks)
                {
                    return InvitationLedgerOutcome.Expired;
                }

                entry.RetainUntilTicks = Math.Max(entry.RetainUntilTicks, retainUntilTicks);
                return decide(entry);
            }
        }

        // No entry. The clock is read after the lookup: had a purge removed the entry first, its instant has passed.
        return retainUntilTicks <= _time.GetUtcNow().UtcTicks ? InvitationLedgerOutcome.Expired : null;
    }

    /// <summary>
    /// Runs <paramref name="update"/> under the lock of the token's entry, creating it when absent, unless
    /// <paramref name="retainUntilTicks"/> has passed by the clock read under that lock. The entry is decided from as
    /// stored — never reset because an earlier retention instant passed — and its retention only ever lengthens. An entry
    /// the purge removed meanwhile is skipped for a fresh one, so no update is made to an entry no longer in the dictionary.
    /// </summary>
    /// <returns>The update's result, or <see langword="null"/> when the retention instant has passed (nothing was written).</returns>
    private TResult? UpdateLive<TState, TResult>(EntryKey key, long retainUntilTicks, TState state, Func<Entry, TState, TResult> update)
        where TResult : struct
    {
        if (retainUntilTicks <= _time.GetUtcNow().UtcTicks)
        {
            return null; // checked again under the entry's lock; this first check only saves creating an entry in vain
        }

        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                if (retainUntilTicks <= _time.GetUtcNow().UtcTicks)
                {
                    // Too late to decide from state: refuse rather than start afresh, and take back an entry just made.
                    if (entry.RetainUntilTicks == 0)
                    {
                        entry.Removed = true;
                        _entries.TryRemove(new KeyValuePair<EntryKey, Entry>(key, entry));
                    }

                    return null;
                }

                entry.RetainUntilTicks = Math.Max(entry.RetainUntilTicks, retainUntilTicks);
                return update(entry, state);
            }
        }
    }

    private bool ReleaseCore(EntryKey key, long useId)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                // An entry the purge removed meanwhile had passed its retention: nothing of it is outstanding any more.
                // The joiner's record goes with the use: the same joiner redeeming later takes a new one.
                if (entry.Removed || !entry.Remove(useId))
                {
                    return false;
                }

                entry.ReleaseCopies(useId);
                return true;
            }
        }

        return false;
    }

    private static void CheckChannel(Jid channel)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
    }

    /// <summary>One channel's live bearer-use reservations; every member is used under a lock on the instance.</summary>
    private sealed class Reservations
    {
        /// <summary>The uses of each reservation, by its expiry in UTC ticks (earliest first).</summary>
        public PriorityQueue<int, long> Heap { get; } = new();

        /// <summary>The sum of the uses in <see cref="Heap"/>.</summary>
        public long Total { get; set; }

        /// <summary>Set once the instance left the dictionary; whoever still holds it must fetch a fresh one.</summary>
        public bool Removed { get; set; }

        /// <summary>Drops the reservations that expire at or before <paramref name="nowTicks"/>.</summary>
        public void DropExpired(long nowTicks)
        {
            while (Heap.TryPeek(out var uses, out var expiry) && expiry <= nowTicks)
            {
                Heap.Dequeue();
                Total -= uses;
            }
        }
    }

    /// <summary>Several outstanding uses of one entry (see <see cref="Entry"/>); used under the entry's lock.</summary>
    private sealed class ManyUses
    {
        /// <summary>The ids of the uses taken and not given back; its count is the use count.</summary>
        public HashSet<long> Outstanding { get; } = [];

        /// <summary>The outstanding use each joiner holds, for retries: made on the first use taken with a joiner.</summary>
        public Dictionary<Jid, long>? Joiners { get; private set; }

        /// <summary>The joiner of each outstanding use taken with one, so that a release drops the joiner's record too.</summary>
        public Dictionary<long, Jid>? JoinerOfUse { get; private set; }

        public void Add(long useId, Jid? joiner)
        {
            Outstanding.Add(useId);
            if (joiner.HasValue)
            {
                (Joiners ??= [])[joiner.GetValueOrDefault()] = useId;
                (JoinerOfUse ??= [])[useId] = joiner.GetValueOrDefault();
            }
        }

        public bool Remove(long useId)
        {
            if (!Outstanding.Remove(useId))
            {
                return false;
            }

            if (JoinerOfUse is { } joinerOfUse && joinerOfUse.Remove(useId, out var joiner))
            {
                Joiners!.Remove(joiner);
            }

            return true;
        }
    }

    private readonly record struct EntryKey(InvitationTokenId TokenId, Jid Channel);

    /// <summary>A channel's cut-off (<see cref="Inviter"/> empty) or an inviter's in a channel.</summary>
    private readonly record struct CutOffKey(Jid Channel, Jid Inviter);

    /// <summary>One cut-off; every member is used under a lock on the instance.</summary>
    private sealed class CutOff
    {
        /// <summary>Tokens issued before this instant, in UTC ticks, are revoked.</summary>
        public long IssuedBeforeTicks { get; set; }

        /// <summary>Until when the cut-off is kept, in UTC ticks: the latest retention it was given.</summary>
        public long RetainUntilTicks { get; set; }

        /// <summary>Set once the instance left the dictionary; whoever still holds it must fetch a fresh one.</summary>
        public bool Removed { get; set; }
    }

    /// <summary>One token's state; every member is read and written under a lock on the instance.</summary>
    /// <remarks>
    /// <para>
    /// An entry holds one outstanding use far more often than several (a single-use token; a link redeemed once so far),
    /// so that use and its joiner live in the entry itself, and the set and maps of several outstanding uses
    /// (<see cref="ManyUses"/>) are made only when a second use is taken while the first is outstanding: a live
    /// single-use entry is this object and its dictionary node, about 125 bytes, instead of about 750 with a set and two
    /// maps of one element each (issue 20). Which form holds the uses changes no decision.
    /// </para>
    /// <para>
    /// The sole use needs no id of its own: ids are given out in order and a second use taken while one is outstanding
    /// moves both to <see cref="ManyUses"/>, so while the entry holds its uses itself the outstanding one, if any, is the
    /// last given out (<see cref="LastUseId"/>). What only some tokens need (several uses, narrowed copies' limits) is one
    /// reference to <see cref="Rare"/>. That keeps the entry at 56 bytes: with its 64-byte dictionary node, allocated
    /// right after it, two or three cache lines, which is what a redemption at 10⁶ live entries waits for (issue 20).
    /// </para>
    /// </remarks>
    private sealed class Entry
    {
        /// <summary>The joiner of the sole outstanding use, or <c>default</c> when it was taken without one or there is none.</summary>
        private Jid _soleJoiner;

        /// <summary>Made on the first use that needs more than the entry's own fields; <see langword="null"/> for most entries.</summary>
        private Rare? _rare;

        /// <summary>Whether use <see cref="LastUseId"/> is outstanding, while <see cref="Rare.Many"/> is <see langword="null"/>.</summary>
        private bool _soleHeld;

        /// <summary>Gets the number of uses taken and not given back: the use count.</summary>
        public int OutstandingCount => _rare?.Many is { } many ? many.Outstanding.Count : _soleHeld ? 1 : 0;

        /// <summary>Gets the last use id given out: ids count up from 1 and are never reused, so an old receipt cannot release a new use.</summary>
        public long LastUseId { get; private set; }

        public bool Revoked { get; set; }

        /// <summary>Until when the entry must be kept, in UTC ticks: the latest retention instant it was given; 0 for a new entry.</summary>
        public long RetainUntilTicks { get; set; }

        /// <summary>Set once the entry left the dictionary; whoever still holds it must fetch a fresh one.</summary>
        public bool Removed { get; set; }

        /// <summary>Gets the outstanding use <paramref name="joiner"/> took, if any: a retry answers it again.</summary>
        public bool TryGetHeld(Jid joiner, out long useId)
        {
            if (_rare?.Many is { } many)
            {
                useId = 0;
                return many.Joiners is { } joiners && joiners.TryGetValue(joiner, out useId) && many.Outstanding.Contains(useId);
            }

            useId = _soleHeld ? LastUseId : 0;
            return _soleHeld && !_soleJoiner.IsEmpty && _soleJoiner.Equals(joiner);
        }

        /// <summary>Takes a use under a new id, with its joiner when there is one; returns the id.</summary>
        public long Take(Jid? joiner)
        {
            var useId = LastUseId + 1;
            LastUseId = useId;
            if (_rare?.Many is { } many)
            {
                many.Add(useId, joiner);
                return useId;
            }

            if (!_soleHeld)
            {
                _soleHeld = true;
                _soleJoiner = joiner.GetValueOrDefault();
                return useId;
            }

            // A second use while the first is outstanding: that one is the id given out before this one.
            var moved = new ManyUses();
            moved.Add(useId - 1, _soleJoiner.IsEmpty ? null : _soleJoiner);
            moved.Add(useId, joiner);
            (_rare ??= new Rare()).Many = moved;
            _soleHeld = false;
            _soleJoiner = default;
            return useId;
        }

        /// <summary>Gives back an outstanding use, and forgets its joiner; <see langword="false"/> when it was not outstanding.</summary>
        public bool Remove(long useId)
        {
            if (_rare?.Many is { } many)
            {
                return many.Remove(useId);
            }

            if (!_soleHeld || useId != LastUseId)
            {
                return false;
            }

            _soleHeld = false;
            _soleJoiner = default;
            return true;
        }

        public bool IsAnyCopyExhausted(ReadOnlySpan<InvitationCopyLimit> limits)
        {
            var uses = _rare?.CopyUses;
            foreach (var limit in limits)
            {
                if (uses is not null && uses.TryGetValue(limit.CopyId, out var taken) && taken >= limit.MaxUses)
                {
                    return true;
                }
            }

            return false;
        }

        public void CountCopies(long useId, ReadOnlySpan<InvitationCopyLimit> limits)
        {
            if (limits.IsEmpty)
            {
                return;
            }

            var rare = _rare ??= new Rare();
            var copies = new InvitationTokenId[limits.Length];
            var uses = rare.CopyUses ??= [];
            for (var i = 0; i < limits.Length; i++)
            {
                copies[i] = limits[i].CopyId;
                uses[copies[i]] = uses.GetValueOrDefault(copies[i]) + 1;
            }

            (rare.CopiesOfUse ??= [])[useId] = copies;
        }

        public void ReleaseCopies(long useId)
        {
            if (_rare is not { CopiesOfUse: { } copiesOfUse, CopyUses: { } copyUses } || !copiesOfUse.Remove(useId, out var copies))
            {
                return;
            }

            foreach (var copy in copies)
            {
                if (copyUses[copy] is var taken && taken > 1)
                {
                    copyUses[copy] = taken - 1;
                }
                else
                {
                    copyUses.Remove(copy);
                }
            }
        }
    }

    /// <summary>What an <see cref="Entry"/> needs only for some tokens; used under the entry's lock.</summary>
    private sealed class Rare
    {
        /// <summary>The outstanding uses once a second was taken while the first was outstanding; from then on, the only record.</summary>
        public ManyUses? Many { get; set; }

        /// <summary>The outstanding uses counted against each narrowed copy's limit, by copy id: made on the first use of a copy with a uses restriction.</summary>
        public Dictionary<InvitationTokenId, int>? CopyUses { get; set; }

        /// <summary>The copies each outstanding use was counted against, so that a release gives it back to each.</summary>
        public Dictionary<long, InvitationTokenId[]>? CopiesOfUse { get; set; }
    }
}
