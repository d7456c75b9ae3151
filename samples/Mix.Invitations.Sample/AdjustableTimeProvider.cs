namespace Mix.Invitations.Sample;

/// <summary>
/// A clock the demo can move forward: another clock (the system's, in a normal run) plus an offset. The demo shows
/// expiry by stepping this clock instead of waiting a week. Timers still come from the base class, which the in-memory
/// ledger's purge timer is content with.
/// </summary>
internal sealed class AdjustableTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;

    public AdjustableTimeProvider(TimeProvider inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>Gets how far this clock runs ahead of the one it wraps.</summary>
    public TimeSpan Offset { get; private set; }

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        Offset += delta;
    }
}
