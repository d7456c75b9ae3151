namespace Mix.Invitations;

/// <summary>What an <see cref="IInvitationLedger"/> answered to one consume: the outcome and, when a use was taken, its id.</summary>
/// <remarks>
/// The use id is what makes a release exact: <see cref="IInvitationLedger.ReleaseAsync"/> gives back the use with that
/// id, at most once, and nothing for an id that is not outstanding — so only a redemption that took a use can give
/// one back, and only once.
/// </remarks>
public readonly struct InvitationLedgerResult : IEquatable<InvitationLedgerResult>
{
    /// <summary>Initializes a new result.</summary>
    /// <param name="outcome">What the ledger decided.</param>
    /// <param name="useId">
    /// The id of the use taken: positive when <paramref name="outcome"/> is <see cref="InvitationLedgerOutcome.Consumed"/>
    /// for a use-limited token; 0 otherwise (a refusal, or a token without a use limit, for which nothing is counted).
    /// </param>
    /// <param name="isRepeat">Whether the use is one the same joiner already held (a retry), not one taken now; only with a positive <paramref name="useId"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="useId"/> is negative, or not 0 for an outcome other than <see cref="InvitationLedgerOutcome.Consumed"/>, or <paramref name="isRepeat"/> is set without a use id.</exception>
    public InvitationLedgerResult(InvitationLedgerOutcome outcome, long useId = 0, bool isRepeat = false)
    {
        if (isRepeat && useId == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(isRepeat), isRepeat, "Only a use held already can be repeated.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(useId);
        if (useId != 0 && outcome != InvitationLedgerOutcome.Consumed)
        {
            throw new ArgumentOutOfRangeException(nameof(useId), useId, "Only a consumed use has a use id.");
        }

        Outcome = outcome;
        UseId = useId;
        IsRepeat = isRepeat;
    }

    /// <summary>Gets what the ledger decided.</summary>
    public InvitationLedgerOutcome Outcome { get; }

    /// <summary>Gets the id of the use taken, or 0 when none was (a refusal, or a token without a use limit).</summary>
    /// <value>Positive and unique within the token's entry for as long as the entry lives: never reused, even after a release.</value>
    public long UseId { get; }

    /// <summary>
    /// Gets a value indicating whether <see cref="UseId"/> is the use the same joiner already held — a retry of a
    /// redemption the ledger had counted — rather than one taken by this consume.
    /// </summary>
    public bool IsRepeat { get; }

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(InvitationLedgerResult left, InvitationLedgerResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(InvitationLedgerResult left, InvitationLedgerResult right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(InvitationLedgerResult other) => Outcome == other.Outcome && UseId == other.UseId && IsRepeat == other.IsRepeat;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InvitationLedgerResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Outcome, UseId, IsRepeat);

    /// <summary>Describes the result.</summary>
    /// <returns>The outcome, and the use id when there is one (marked when repeated).</returns>
    public override string ToString() => UseId == 0 ? Outcome.ToString() : IsRepeat ? $"{Outcome} (use {UseId}, repeat)" : $"{Outcome} (use {UseId})";
}
