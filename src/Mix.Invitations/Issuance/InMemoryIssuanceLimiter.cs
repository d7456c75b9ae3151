using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Mix.Invitations;

/// <summary>
/// The default <see cref="IInvitationIssuanceLimiter"/>: fixed windows counted in this process, on
/// <see cref="FixedWindowRateLimiter"/> of <c>System.Threading.RateLimiting</c>. Right for one node; several nodes
/// share a count through the Redis limiter of <c>Mix.Invitations.Redis</c>.
/// </summary>
/// <remarks>
/// <para>
/// Windows are aligned to the Unix epoch, as a Redis fixed window is: the window of an instant is
/// <c>floor(unixMilliseconds / windowMilliseconds)</c>, so every partition's windows start at the same instants, both
/// stores give the same answers, and a refusal's retry-after is the time to the end of the current window (window
/// lengths count in whole milliseconds). The clock is the <see cref="TimeProvider"/>, not the limiter's own stopwatch:
/// each partition's <see cref="FixedWindowRateLimiter"/> runs without auto-replenishment (no timer) and with a window
/// of one tick, and is replenished (<see cref="ReplenishingRateLimiter.TryReplenish"/>) when the clock says the
/// partition's window has ended. (<c>TryReplenish</c> refills only once the limiter's own stopwatch has seen its window
/// pass: with a real window a test clock could never end one; the BCL refuses a zero window; so one tick, and in the
/// rare case that less than a tick passed since its last replenish, a new limiter.)
/// </para>
/// <para>
/// Memory is bounded by the partitions used within one window: a partition whose window has ended holds nothing
/// worth keeping (its next acquire would start a full window), and is dropped by a sweep that runs on an acquire once
/// a minute of the clock has passed since the last one, or once the number of partitions has doubled since the last
/// one (amortised: a sweep visits each partition once). A change of a partition's permit limit or window (an options
/// reload) keeps the permits already taken in the current window when the window is the same, and starts anew
/// otherwise.
/// </para>
/// </remarks>
public sealed class InMemoryIssuanceLimiter : IInvitationIssuanceLimiter, IDisposable
{
    private const long SweepIntervalMs = 60_000;
    private const int MinimumSweepCount = 1024;

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private long _nextSweepMs;
    private int _sweepAtCount = MinimumSweepCount;
    private int _sweeping;
    private bool _disposed;

    /// <summary>Initializes a new limiter.</summary>
    /// <param name="timeProvider">The clock windows are measured by; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryIssuanceLimiter(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _nextSweepMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + SweepIntervalMs;
    }

    /// <summary>Gets how many partitions are held now (for tests of the memory bound).</summary>
    internal int PartitionCount => _partitions.Count;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="partition"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="permitLimit"/> is below 1 or <paramref name="window"/> is shorter than a millisecond.</exception>
    /// <exception cref="ObjectDisposedException">Thrown when the limiter was disposed.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is already canceled.</exception>
    public ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        cancellationToken.ThrowIfCancellationRequested();

        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)window.TotalMilliseconds;
        var index = FloorDiv(nowMs, windowMs);
        MaybeSweep(nowMs);

        while (true)
        {
            var entry = _partitions.GetOrAdd(partition, static (_, args) => new Partition(args.permitLimit, args.windowMs, args.index), (permitLimit, windowMs, index));
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // swept between the look-up and the lock: take the one that replaced it
                }

                entry.Advance(permitLimit, windowMs, index);
                using var lease = entry.Limiter.AttemptAcquire(1);
                return new(lease.IsAcquired
                    ? InvitationLimitResult.Acquired
                    : InvitationLimitResult.Exceeded(TimeSpan.FromMilliseconds(((index + 1) * windowMs) - nowMs)));
            }
        }
    }

    /// <summary>Releases every partition's limiter.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        foreach (var pair in _partitions)
        {
            lock (pair.Value)
            {
                pair.Value.Removed = true;
                pair.Value.Limiter.Dispose();
            }
        }

        _partitions.Clear();
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : ((a + 1) / b) - 1;

    private void MaybeSweep(long nowMs)
    {
        if (nowMs < Volatile.Read(ref _nextSweepMs) && _partitions.Count < Volatile.Read(ref _sweepAtCount))
        {
            return;
        }

        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return; // another thread sweeps
        }

        try
        {
            foreach (var pair in _partitions)
            {
                var entry = pair.Value;
                lock (entry)
                {
                    if (!entry.Removed && (entry.Index + 1) * entry.WindowMs <= nowMs)
                    {
                        entry.Removed = true;
                        entry.Limiter.Dispose();
                        _partitions.TryRemove(pair);
                    }
                }
            }

            Volatile.Write(ref _nextSweepMs, nowMs + SweepIntervalMs);
            Volatile.Write(ref _sweepAtCount, Math.Max(MinimumSweepCount, _partitions.Count * 2));
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>One partition: its limiter and the window it counts; every member is used under a lock on the instance.</summary>
    private sealed class Partition
    {
        public Partition(int permitLimit, long windowMs, long index)
        {
            PermitLimit = permitLimit;
            WindowMs = windowMs;
            Index = index;
            Limiter = Create(permitLimit);
        }

        public FixedWindowRateLimiter Limiter { get; private set; }

        public int PermitLimit { get; private set; }

        public long WindowMs { get; private set; }

        public long Index { get; private set; }

        public bool Removed { get; set; }

        /// <summary>Brings the limiter to the window <paramref name="index"/> and the given limits.</summary>
        public void Advance(int permitLimit, long windowMs, long index)
        {
            if (permitLimit != PermitLimit || windowMs != WindowMs)
            {
                // A reload changed the limits: FixedWindowRateLimiter's are fixed, so a new one, charged with the
                // permits already taken when the window is the same one.
                var taken = windowMs == WindowMs && index == Index
                    ? PermitLimit - (int)(Limiter.GetStatistics()?.CurrentAvailablePermits ?? PermitLimit)
                    : 0;
                Limiter.Dispose();
                Limiter = Create(permitLimit);
                if (taken > 0)
                {
                    Limiter.AttemptAcquire(Math.Min(taken, permitLimit)).Dispose();
                }

                PermitLimit = permitLimit;
                WindowMs = windowMs;
                Index = index;
                return;
            }

            if (index != Index)
            {
                // Without auto-replenishment and with a one-tick window, TryReplenish restores the permit limit at
                // once: the window's end is the TimeProvider's to decide, not the limiter's stopwatch.
                Limiter.TryReplenish();
                if (Limiter.GetStatistics()?.CurrentAvailablePermits != PermitLimit)
                {
                    // Less than the limiter's one-tick window passed on its stopwatch since its last replenish.
                    Limiter.Dispose();
                    Limiter = Create(PermitLimit);
                }

                Index = index;
            }
        }

        private static FixedWindowRateLimiter Create(int permitLimit) => new(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = TimeSpan.FromTicks(1), // the window is WindowMs, by the TimeProvider; see Advance
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }
}
