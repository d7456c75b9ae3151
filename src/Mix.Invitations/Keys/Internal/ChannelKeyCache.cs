using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>
/// Keyed HMAC-SHA256 states per (ring key id, channel), bounded in size and age.
/// </summary>
/// <remarks>
/// Re-keying HMAC costs as much as the MAC itself on this platform, so the hot path rents an already keyed
/// <see cref="IncrementalHash"/> (which <c>GetHashAndReset</c> returns to its keyed state) instead of creating
/// one. Each entry keeps a small lock-free pool so several threads validating the same channel do not contend;
/// a miss on the pool (more concurrent users than slots) creates one more state, which is the only allocation.
/// Eviction drops the least recently used quarter when the cache is full; it runs rarely and off the common path, and
/// disposes the dropped entries' pooled states so their native contexts (which hold the key) are freed at once rather
/// than by the finalizer. The size is counted here, not read from <see cref="ConcurrentDictionary{TKey, TValue}.Count"/>,
/// which takes every lock of the dictionary: reading it on each miss made a first-seen channel cost tens of
/// microseconds once the dictionary had grown its lock array.
/// </remarks>
internal sealed class ChannelKeyCache
{
    private readonly ConcurrentDictionary<(int KeyId, string Channel), Entry> _entries = new();
    private readonly int _capacity;
    private readonly long _lifetimeTicks;
    private readonly Lock _evictionLock = new();
    private long _clock;
    private int _count;

    internal ChannelKeyCache(int capacity, TimeSpan lifetime)
    {
        _capacity = Math.Max(1, capacity);
        _lifetimeTicks = Math.Max(1, lifetime.Ticks);
    }

    internal int Count => _entries.Count;

    /// <summary>Gets the keyed state of a channel, fetching its key from the provider on a miss or when the entry aged out.</summary>
    internal Entry Get(KeyRingEntry ringKey, Jid channel, IChannelKeyProvider provider, DateTimeOffset now)
    {
        var stamp = Interlocked.Increment(ref _clock);
        var key = (ringKey.Id, channel.ToString());
        if (_entries.TryGetValue(key, out var entry) && entry.RingKey == ringKey && now.UtcTicks < entry.ExpiresAtTicks)
        {
            entry.LastUsed = stamp;
            return entry;
        }

        var created = Create(ringKey, channel, provider, now);
        created.LastUsed = stamp;
        if (_entries.TryAdd(key, created))
        {
            if (Interlocked.Increment(ref _count) > _capacity)
            {
                Evict();
            }
        }
        else
        {
            // Replaces an aged-out entry, or one another thread added meanwhile: the count is unchanged.
            _entries[key] = created;
        }

        return created;
    }

    internal void Clear()
    {
        foreach (var pair in _entries)
        {
            Remove(pair);
        }
    }

    internal void Invalidate(Jid channel)
    {
        var text = channel.ToString();
        foreach (var pair in _entries)
        {
            if (string.Equals(pair.Key.Channel, text, StringComparison.Ordinal))
            {
                Remove(pair);
            }
        }
    }

    private Entry Create(KeyRingEntry ringKey, Jid channel, IChannelKeyProvider provider, DateTimeOffset now)
    {
        Span<byte> buffer = stackalloc byte[64];
        try
        {
            var written = provider.GetChannelKey(new ChannelKeyContext(ringKey, channel), buffer);
            if (written is < 32 or > 64)
            {
                throw new InvalidOperationException($"The channel key provider {provider.GetType().Name} returned {written} bytes; a channel key is 32 to 64 bytes.");
            }

            return new Entry(ringKey, buffer[..written].ToArray(), now.UtcTicks + _lifetimeTicks);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private void Evict()
    {
        lock (_evictionLock)
        {
            var excess = Volatile.Read(ref _count) - _capacity;
            if (excess <= 0)
            {
                return;
            }

            // Drop the least recently used quarter (at least the excess), so eviction is amortised.
            var snapshot = _entries.ToArray();
            Array.Sort(snapshot, static (a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
            var toRemove = Math.Min(snapshot.Length, Math.Max(excess, _capacity / 4));
            for (var i = 0; i < toRemove; i++)
            {
                Remove(snapshot[i]);
            }
        }
    }

    private void Remove(KeyValuePair<(int KeyId, string Channel), Entry> pair)
    {
        if (_entries.TryRemove(pair))
        {
            Interlocked.Decrement(ref _count);
            pair.Value.DisposePooled();
        }
    }

    /// <summary>A channel key and a pool of HMAC states keyed with it.</summary>
    internal sealed class Entry
    {
        private readonly byte[] _key;
        private readonly IncrementalHash?[] _pool;

        internal Entry(KeyRingEntry ringKey, byte[] key, long expiresAtTicks)
        {
            RingKey = ringKey;
            _key = key;
            ExpiresAtTicks = expiresAtTicks;
            _pool = new IncrementalHash?[Math.Clamp(Environment.ProcessorCount, 2, 16)];
            _pool[0] = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        }

        internal KeyRingEntry RingKey { get; }

        internal long ExpiresAtTicks { get; }

        internal long LastUsed { get; set; }

        /// <summary>Takes a keyed state from the pool, or creates one when every pooled state is in use.</summary>
        internal IncrementalHash Rent()
        {
            var pool = _pool;
            for (var i = 0; i < pool.Length; i++)
            {
                var hash = Interlocked.Exchange(ref pool[i], null);
                if (hash is not null)
                {
                    return hash;
                }
            }

            return IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        }

        /// <summary>Disposes the pooled states of an entry no longer in the cache.</summary>
        /// <remarks>
        /// Safe while another thread still uses the entry: each state is taken out of its slot before it is disposed, so
        /// a concurrent <see cref="Rent"/> gets either a live state or none (and creates one); a state rented before
        /// and returned after is left to the finalizer.
        /// </remarks>
        internal void DisposePooled()
        {
            var pool = _pool;
            for (var i = 0; i < pool.Length; i++)
            {
                Interlocked.Exchange(ref pool[i], null)?.Dispose();
            }
        }

        /// <summary>Returns a state that was reset by <c>GetHashAndReset</c> (or never used).</summary>
        internal void Return(IncrementalHash hash)
        {
            var pool = _pool;
            for (var i = 0; i < pool.Length; i++)
            {
                if (Interlocked.CompareExchange(ref pool[i], hash, null) is null)
                {
                    return;
                }
            }

            hash.Dispose();
        }
    }
}
