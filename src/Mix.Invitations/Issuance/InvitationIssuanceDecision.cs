namespace Mix.Invitations;

/// <summary>What an <see cref="IInvitationIssuancePolicy"/> decided: allow, or refuse with a reason.</summary>
public readonly struct InvitationIssuanceDecision
{
    private InvitationIssuanceDecision(InvitationIssueRefusalReason reason, TimeSpan? retryAfter)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the decision that allows the issue.</summary>
    public static InvitationIssuanceDecision Allow => default;

    /// <summary>Gets a value indicating whether the issue is allowed.</summary>
    public bool IsAllowed => Reason == InvitationIssueRefusalReason.None;

    /// <summary>Gets why the issue was refused, or <see cref="InvitationIssueRefusalReason.None"/>.</summary>
    public InvitationIssueRefusalReason Reason { get; }

    /// <summary>Gets how long to wait before asking again, for a refusal of rate or capacity, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Refuses the issue.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="retryAfter">How long to wait before asking again, for a refusal of rate or capacity; <see langword="null"/> when unknown or not a matter of waiting.</param>
    /// <returns>The refusal.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="reason"/> is None or undefined, or <paramref name="retryAfter"/> is negative.</exception>
    public static InvitationIssuanceDecision Refuse(InvitationIssueRefusalReason reason, TimeSpan? retryAfter = null)
    {
        if (reason == InvitationIssueRefusalReason.None || !Enum.IsDefined(reason))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A refusal needs a defined reason other than None.");
        }

        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "A retry-after cannot be negative.");
        }

        return new(reason, retryAfter);
    }

    /// <summary>Describes the decision.</summary>
    /// <returns>"allowed", or the reason and retry-after.</returns>
    public override string ToString() => IsAllowed ? "allowed" : RetryAfter is { } wait ? $"refused: {Reason} (retry after {wait})" : $"refused: {Reason}";
}
