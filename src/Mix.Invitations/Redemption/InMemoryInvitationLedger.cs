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
/// Memory is bounded by the live tokens: an entry whose retention instant has passed is treated as absent at once and
/// removed by a purge that runs every <see cref="PurgeInterval"/> on a timer of the <see cref="TimeProvider"/>.
/// Tokens without a use limit take no memory unless revoked. Entries do not survive a restart: a consumed single-use
/// token becomes redeemable again after a restart (within its lifetime).
/// </para>
/// </remarks>
public sealed class InMemoryInvitationLedger : IInvitationLedger, IDisposable
{
    private readonly ConcurrentDictionary<EntryKey, Entry> _entries = new();
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

    /// <inheritdoc />
    public ValueTask<InvitationLedgerOutcome> TryConsumeAsync(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(maxUses);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(TryConsumeCore(new EntryKey(tokenId, channel), maxUses, expiresAt.UtcTicks));
    }

    /// <inheritdoc />
    public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        cancellationToken.ThrowIfCancellationRequested();
        RevokeCore(new EntryKey(tokenId, channel), expiresAt.UtcTicks);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(InvitationTokenId tokenId, Jid channel, CancellationToken cancellationToken = default)
    {
        CheckChannel(channel);
        cancellationToken.ThrowIfCancellationRequested();
        ReleaseCore(new EntryKey(tokenId, channel));
        return ValueTask.CompletedTask;
    }

    /// <summary>Removes every entry whose retention instant has passed. The purge timer calls it; callers need not.</summary>
    public void Purge()
    {
        var now = _time.GetUtcNow().UtcTicks;
        foreach (var pair in _entries)
        {
            var entry = pair.Value;
            lock (entry)
            {
                if (entry.Removed || !entry.IsExpired(now))
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

    private InvitationLedgerOutcome TryConsumeCore(EntryKey key, int maxUses, long expiresAtTicks)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (maxUses == 0)
        {
            // Not use-limited: only a revocation matters, and nothing is written.
            if (_entries.TryGetValue(key, out var existing))
            {
                lock (existing)
                {
                    if (!existing.Removed && !existing.IsExpired(now) && existing.Revoked)
                    {
                        return InvitationLedgerOutcome.Revoked;
                    }
                }
            }

            return InvitationLedgerOutcome.Consumed;
        }

        if (expiresAtTicks <= now)
        {
            // The entry would be forgotten at once (as a Redis key given a past PEXPIREAT is); no valid token gets here.
            return InvitationLedgerOutcome.Consumed;
        }

        return UpdateLive(key, now, (maxUses, expiresAtTicks), static (entry, args) =>
        {
            if (entry.Revoked)
            {
                return InvitationLedgerOutcome.Revoked;
            }

            if (entry.Used >= args.maxUses)
            {
                return InvitationLedgerOutcome.Exhausted;
            }

            entry.Used++;
            entry.ExpiresAtTicks = Math.Max(entry.ExpiresAtTicks, args.expiresAtTicks);
            return InvitationLedgerOutcome.Consumed;
        });
    }

    private void RevokeCore(EntryKey key, long expiresAtTicks)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (expiresAtTicks <= now)
        {
            return; // the token is dead already
        }

        UpdateLive(key, now, expiresAtTicks, static (entry, expires) =>
        {
            entry.Revoked = true;
            entry.ExpiresAtTicks = Math.Max(entry.ExpiresAtTicks, expires);
            return true;
        });
    }

    /// <summary>
    /// Runs <paramref name="update"/> under the lock of the token's live entry, creating it when absent and starting it
    /// afresh when it outlived its token. An entry the purge removed meanwhile is skipped for a fresh one, so no update
    /// is ever made to an entry that is no longer in the dictionary.
    /// </summary>
    private TResult UpdateLive<TState, TResult>(EntryKey key, long now, TState state, Func<Entry, TState, TResult> update)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue;
                }

                entry.ResetIfExpired(now);
                return update(entry, state);
            }
        }
    }

    private void ReleaseCore(EntryKey key)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (_entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                if (!entry.Removed && !entry.IsExpired(now) && entry.Used > 0)
                {
                    entry.Used--;
                }
            }
        }
    }

    private static void CheckChannel(Jid channel)
    {
        Error.ThrowIfEmpty(channel, nameof(channel));
    }

    private readonly record struct EntryKey(InvitationTokenId TokenId, Jid Channel);

    /// <summary>One token's state; every field is read and written under a lock on the instance.</summary>
    private sealed class Entry
    {
        public int Used { get; set; }

        public bool Revoked { get; set; }

        /// <summary>When the entry may be forgotten, in UTC ticks; 0 for a new entry.</summary>
        public long ExpiresAtTicks { get; set; }

        /// <summary>Set once the entry left the dictionary; whoever still holds it must fetch a fresh one.</summary>
        public bool Removed { get; set; }

        public bool IsExpired(long now) => ExpiresAtTicks <= now;

        public void ResetIfExpired(long now)
        {
            if (IsExpired(now))
            {
                Used = 0;
                Revoked = false;
                ExpiresAtTicks = 0;
            }
        }
    }
}
