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
/// <para>
/// Replacement is CLOCK (second chance): entries sit in a ring of slots (grown by doubling up to the capacity); a hit sets the entry's
/// referenced bit, and a miss on a full cache moves the hand round the ring, clearing set bits, to the first entry
/// whose bit is clear, and replaces it. That is least-recently-used order to within one turn of the hand, at a constant
/// cost per miss: the sort of the whole cache it replaces cost about 0.5 µs per miss, amortised, on a server seeing more
/// channels than it caches. New entries start with the bit clear, so a run of channels seen once (a scan) replaces
/// itself rather than the channels in use. Misses take a lock (only to place the entry; the key is derived before it);
/// hits take none.
/// </para>
/// <para>
/// A hit writes nothing shared between cores, so validation scales with threads: the referenced bit is written only
/// when it is clear, once per turn of the hand; each pool slot sits on a cache line of its own, with a thread starting
/// its search at the slot of the core it runs on. Evicted entries dispose their pooled states, so their native
/// contexts (which hold the key) are freed at once rather than by the finalizer.
/// </para>
/// </remarks>
internal sealed class ChannelKeyCache
{
    private readonly ConcurrentDictionary<(int KeyId, Jid Channel), Entry> _entries = new();
    /// <summary>Slots the ring starts with; it doubles as it fills, up to the capacity.</summary>
    private const int InitialRingSize = 1024;

    private readonly int _capacity;
    private readonly long _lifetimeTicks;
    private readonly Lock _lock = new();
    private Entry?[] _ring; // under the lock
    private int _occupied; // under the lock
    private int _hand; // under the lock

    internal ChannelKeyCache(int capacity, TimeSpan lifetime)
    {
        _capacity = Math.Max(1, capacity);
        _ring = new Entry?[Math.Min(_capacity, InitialRingSize)]; // a capacity of millions is not allocated up front
        _lifetimeTicks = Math.Max(1, lifetime.Ticks);
    }

    internal int Count => _entries.Count;

    /// <summary>Gets the keyed state of a channel, fetching its key from the provider on a miss or when the entry aged out.</summary>
    internal Entry Get(KeyRingEntry ringKey, Jid channel, IChannelKeyProvider provider, DateTimeOffset now)
    {
        var stamp = now.UtcTicks;
        var key = (ringKey.Id, channel); // Jid hashes with the code it computed once, at parse time
        if (_entries.TryGetValue(key, out var entry) && entry.IsCurrent(ringKey, stamp))
        {
            if (!entry.Referenced)
            {
                entry.Referenced = true;
            }

            return entry;
        }

        var created = Create(key, ringKey, channel, provider, now);
        lock (_lock)
        {
            if (_entries.TryAdd(key, created))
            {
                Place(created, FreeSlot()); // the hand never evicts the entry just added: it is not in the ring yet
                return created;
            }

            var existing = _entries[key]; // present: every removal takes this lock
            if (existing.IsCurrent(ringKey, stamp))
            {
                // Another thread placed it meanwhile: use that one (its keyed states may already be pooled).
                return existing;
            }

            // Aged out, or keyed by a ring key that was since replaced: the new entry takes its slot.
            Place(created, existing.RingIndex);
            _entries[key] = created;
            existing.DisposePooled();
            return created;
        }
    }

    internal void Clear()
    {
        foreach (var pair in _entries)
        {
            Remove(pair.Value);
        }
    }

    internal void Invalidate(Jid channel)
    {
        foreach (var pair in _entries)
        {
            if (pair.Key.Channel == channel)
            {
                Remove(pair.Value);
            }
        }
    }

    private Entry Create((int KeyId, Jid Channel) key, KeyRingEntry ringKey, Jid channel, IChannelKeyProvider provider, DateTimeOffset now)
    {
        Span<byte> buffer = stackalloc byte[64];
        try
        {
            var written = provider.GetChannelKey(new ChannelKeyContext(ringKey, channel), buffer);
            if (written is < 32 or > 64)
            {
                throw new InvalidOperationException($"The channel key provider {provider.GetType().Name} returned {written} bytes; a channel key is 32 to 64 bytes.");
            }

            return new Entry(key, ringKey, buffer[..written].ToArray(), now.UtcTicks + _lifetimeTicks);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Moves the hand to a slot for a new entry: an empty one, or that of the first entry not referenced since the hand last passed, which is evicted. Under the lock.</summary>
    private int FreeSlot()
    {
        if (_occupied == _ring.Length && _ring.Length < _capacity)
        {
            // Full but below capacity: grow, and point the hand at the first new (empty) slot.
            var grown = new Entry?[(int)Math.Min(_capacity, 2L * _ring.Length)];
            Array.Copy(_ring, grown, _ring.Length);
            _hand = _ring.Length;
            _ring = grown;
        }

        var ring = _ring;
        for (var step = 0; ; step++)
        {
            var slot = _hand;
            _hand = slot + 1 == ring.Length ? 0 : slot + 1;
            var occupant = ring[slot];
            if (occupant is null)
            {
                return slot;
            }

            // Hits set bits without the lock, so in theory they could keep every bit set; after two turns the hand
            // takes what it finds.
            if (occupant.Referenced && step < 2 * ring.Length)
            {
                occupant.Referenced = false;
                continue;
            }

            Evict(occupant);
            return slot;
        }
    }

    private void Place(Entry entry, int slot)
    {
        if (_ring[slot] is null)
        {
            _occupied++;
        }

        entry.RingIndex = slot;
        _ring[slot] = entry;
    }

    private void Evict(Entry entry)
    {
        _entries.TryRemove(new KeyValuePair<(int KeyId, Jid Channel), Entry>(entry.Key, entry));
        _ring[entry.RingIndex] = null;
        _occupied--;
        entry.DisposePooled();
    }

    private void Remove(Entry entry)
    {
        lock (_lock)
        {
            // Only if still the entry in its slot: a concurrent miss may have replaced it already.
            if (ReferenceEquals(_ring[entry.RingIndex], entry))
            {
                Evict(entry);
            }
        }
    }

    /// <summary>A channel key and a pool of HMAC states keyed with it.</summary>
    internal sealed class Entry
    {
        private readonly byte[] _key;
        private Slot[]? _pool;
        private volatile bool _used;
        private volatile bool _referenced;

        internal Entry((int KeyId, Jid Channel) cacheKey, KeyRingEntry ringKey, byte[] key, long expiresAtTicks)
        {
            Key = cacheKey;
            RingKey = ringKey;
            _key = key;
            ExpiresAtTicks = expiresAtTicks;
        }

        internal (int KeyId, Jid Channel) Key { get; }

        internal KeyRingEntry RingKey { get; }

        internal long ExpiresAtTicks { get; }

        /// <summary>Gets or sets the entry's slot in the cache's ring (under the cache's lock).</summary>
        internal int RingIndex { get; set; }

        /// <summary>Gets or sets the CLOCK referenced bit: set by a hit, cleared by the hand passing.</summary>
        internal bool Referenced
        {
            get => _referenced;
            set => _referenced = value;
        }

        /// <summary>Whether the entry may serve a token of <paramref name="ringKey"/> at <paramref name="stamp"/>: same ring key object (a reload makes new ones), not aged out.</summary>
        internal bool IsCurrent(KeyRingEntry ringKey, long stamp) => RingKey == ringKey && stamp < ExpiresAtTicks;

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
                // One AppendData for the whole input: see TokenSigner.ComputeTag on why it is assembled first.
                hmac.AppendData(macInput);
                TokenMac.Finish(hmac, tag);
            }
            finally
            {
                Return(hmac);
            }
        }

        /// <summary>Takes a keyed state from the pool, or creates one when every pooled state is in use.</summary>
        internal IncrementalHash Rent()
        {
            var pool = _pool ?? CreatePool();
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
            if (pool is null)
            {
                return;
            }

            for (var i = 0; i < pool.Length; i++)
            {
                Interlocked.Exchange(ref pool[i].Hash, null)?.Dispose();
            }
        }

        /// <summary>Returns a state that was reset by <c>GetHashAndReset</c> (or never used), preferably to this core's slot.</summary>
        internal void Return(IncrementalHash hash)
        {
            var pool = _pool ?? CreatePool();
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

        /// <summary>
        /// Creates the pool on a channel's second use (the first is one-shot), so a channel seen once never allocates one.
        /// Two spare slots, first and last, are never used: they keep the used ones off the cache lines shared with the
        /// array's header and the objects allocated before and after it, which every validation reads (sharing them made
        /// two threads on one channel scale 1.36× instead of 1.9×).
        /// </summary>
        private Slot[] CreatePool()
        {
            var pool = new Slot[Math.Clamp(Environment.ProcessorCount, 2, 16) + 2];
            return Interlocked.CompareExchange(ref _pool, pool, null) ?? pool;
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
