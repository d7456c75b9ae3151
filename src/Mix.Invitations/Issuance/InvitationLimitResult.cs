namespace Mix.Invitations;

/// <summary>The answer of an <see cref="IInvitationIssuanceLimiter"/> or <see cref="IInvitationUseReservations"/>.</summary>
public readonly struct InvitationLimitResult
{
    private readonly byte _status; // 0 acquired, 1 exceeded, 2 unavailable

    private InvitationLimitResult(byte status, TimeSpan? retryAfter)
    {
        _status = status;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the result of a permit or reservation taken.</summary>
    public static InvitationLimitResult Acquired => default;

    /// <summary>Gets the result of a store that could not be reached: nothing was taken, and the issue is refused.</summary>
    public static InvitationLimitResult Unavailable => new(2, null);

    /// <summary>Gets a value indicating whether the permit or reservation was taken.</summary>
    public bool IsAcquired => _status == 0;

    /// <summary>Gets a value indicating whether the store could not be reached.</summary>
    public bool IsUnavailable => _status == 2;

    /// <summary>Gets, when the limit was reached, how long until room is made (the window's end, or the earliest reservation's expiry), when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The result of a limit reached.</summary>
    /// <param name="retryAfter">How long until room is made, or <see langword="null"/> when unknown.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="retryAfter"/> is negative.</exception>
    public static InvitationLimitResult Exceeded(TimeSpan? retryAfter)
    {
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "A retry-after cannot be negative.");
        }

        return new(1, retryAfter);
    }

    /// <summary>Describes the result.</summary>
    /// <returns>"acquired", "unavailable", or "exceeded" with its retry-after.</returns>
    public override string ToString() => _status switch
    {
        0 => "acquired",
        2 => "unavailable",
        _ => RetryAfter is { } wait ? $"exceeded (retry after {wait})" : "exceeded",
    };
}
