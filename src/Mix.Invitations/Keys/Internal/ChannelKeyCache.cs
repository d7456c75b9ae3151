using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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
/// <para>
/// A hit writes nothing shared between cores, so validation scales with threads: the use stamp is the clock time,
/// rewritten only when it is more than <see cref="StampGranularityTicks"/> old (a shared counter bumped on every hit, as
/// before, made both cores fight over one cache line), and each pool slot sits on a cache line of its own, with a
/// thread starting its search at the slot of the core it runs on.
/// </para>
/// </remarks>
internal sealed class ChannelKeyCache
{
    private readonly ConcurrentDictionary<(int KeyId, Jid Channel), Entry> _entries = new();
    private readonly int _capacity;
    private readonly long _lifetimeTicks;
    private readonly Lock _evictionLock = new();
    private int _count;

    /// <summary>How stale a use stamp may be: least-recently-used order is kept to this resolution.</summary>
    internal const long StampGranularityTicks = TimeSpan.TicksPerSecond;

    internal ChannelKeyCache(int capacity, TimeSpan lifetime)
    {
        _capacity = Math.Max(1, capacity);
        _lifetimeTicks = Math.Max(1, lifetime.Ticks);
    }

    internal int Count => _entries.Count;

    /// <summary>Gets the keyed state of a channel, fetching its key from the provider on a miss or when the entry aged out.</summary>
    internal Entry Get(KeyRingEntry ringKey, Jid channel, IChannelKeyProvider provider, DateTimeOffset now)
    {
        var stamp = now.UtcTicks;
        var key = (ringKey.Id, channel); // Jid hashes with the code it computed once, at parse time
        if (_entries.TryGetValue(key, out var entry) && entry.RingKey == ringKey && stamp < entry.ExpiresAtTicks)
        {
            if (stamp - entry.LastUsed > StampGranularityTicks)
            {
                entry.LastUsed = stamp;
            }

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
        foreach (var pair in _entries)
        {
            if (pair.Key.Channel == channel)
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

    private void Remove(KeyValuePair<(int KeyId, Jid Channel), Entry> pair)
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
        private readonly Slot[] _pool;
        private volatile bool _used;

        internal Entry(KeyRingEntry ringKey, byte[] key, long expiresAtTicks)
        {
            RingKey = ringKey;
            _key = key;
            ExpiresAtTicks = expiresAtTicks;
            // Two spare slots, first and last, are never used: they keep the used ones off the cache lines shared with
            // the array's header (and the objects allocated before and after it), which every validation reads.
            _pool = new Slot[Math.Clamp(Environment.ProcessorCount, 2, 16) + 2];
        }

        internal KeyRingEntry RingKey { get; }

        internal long ExpiresAtTicks { get; }

        internal long LastUsed { get; set; }

        /// <summary>
        /// Writes the tag of <paramref name="macInput"/>. The first use of an entry computes it one-shot, so a channel seen
        /// once (the common case for a first-seen channel) never pays for a keyed state; later uses rent one from the pool,
        /// creating it on the second use, and reuse it from then on without allocating.
        /// </summary>
        internal void ComputeTag(ReadOnlySpan<byte> macInput, Span<byte> tag)
        {
            if (!_used)
            {
                // A race lets two first uses both go one-shot: harmless, both are correct.
                _used = true;
                TokenMac.OneShot(_key, macInput, tag);
                return;
            }

            var hmac = Rent();
            try
            {
                TokenCodec.ComputeTag(hmac, macInput, tag);
            }
            finally
            {
                Return(hmac);
            }
        }

        /// <summary>Takes a keyed state from the pool, or creates one when every pooled state is in use.</summary>
        internal IncrementalHash Rent()
        {
            var pool = _pool;
            var used = pool.Length - 2;
            var start = Thread.GetCurrentProcessorId();
            for (var i = 0; i < used; i++)
            {
                var hash = Interlocked.Exchange(ref pool[1 + ((start + i) % used)].Hash, null);
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
                Interlocked.Exchange(ref pool[i].Hash, null)?.Dispose();
            }
        }

        /// <summary>Returns a state that was reset by <c>GetHashAndReset</c> (or never used), preferably to this core's slot.</summary>
        internal void Return(IncrementalHash hash)
        {
            var pool = _pool;
            var used = pool.Length - 2;
            var start = Thread.GetCurrentProcessorId();
            for (var i = 0; i < used; i++)
            {
                if (Interlocked.CompareExchange(ref pool[1 + ((start + i) % used)].Hash, hash, null) is null)
                {
                    return;
                }
            }

            hash.Dispose();
        }

        /// <summary>One pooled state, alone on a 64-byte cache line, so cores taking and returning states in their own slots do not share a line.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 64)]
        private struct Slot
        {
            [FieldOffset(0)]
            public IncrementalHash? Hash;
        }
    }
}
