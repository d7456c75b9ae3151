namespace Mix.Invitations;

/// <summary>What <see cref="IInvitationIssuer.IssueAsync"/> did: issued an invitation, or refused by an issuance policy.</summary>
/// <remarks>A refusal is an ordinary result: send <see cref="StanzaError"/> back to the inviter.</remarks>
public readonly struct InvitationIssueResult
{
    private readonly IssuedInvitation _issued;

    private InvitationIssueResult(IssuedInvitation issued, InvitationIssueRefusalReason reason, TimeSpan? retryAfter)
    {
        _issued = issued;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a value indicating whether the invitation was issued.</summary>
    public bool IsIssued => Reason == InvitationIssueRefusalReason.None && _issued.Invitation is not null;

    /// <summary>Gets the issued invitation and what its token says.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the issue was refused.</exception>
    public IssuedInvitation Issued => IsIssued ? _issued : throw new InvalidOperationException($"The invitation was not issued: {Reason}.");

    /// <summary>Gets why the issue was refused, or <see cref="InvitationIssueRefusalReason.None"/>.</summary>
    public InvitationIssueRefusalReason Reason { get; }

    /// <summary>Gets how long the inviter should wait before asking again, for a refusal of rate or capacity, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the stanza error to send back for a refusal: <c>auth/forbidden</c> for rights, <c>wait/resource-constraint</c> for rates and capacity.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the invitation was issued.</exception>
    public InvitationStanzaError StanzaError => IsIssued
        ? throw new InvalidOperationException("An issued invitation has no stanza error.")
        : InvitationStanzaError.For(Reason, RetryAfter);

    /// <summary>A result for an issued invitation.</summary>
    /// <param name="issued">The invitation.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="issued"/> is <c>default</c>.</exception>
    public static InvitationIssueResult Success(IssuedInvitation issued) =>
        issued.Invitation is null ? throw new ArgumentException("The issued invitation is empty.", nameof(issued)) : new(issued, InvitationIssueRefusalReason.None, null);

    /// <summary>A result for a refused issue.</summary>
    /// <param name="decision">The refusing policy's decision.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="decision"/> allows.</exception>
    public static InvitationIssueResult Refused(InvitationIssuanceDecision decision) =>
        decision.IsAllowed ? throw new ArgumentException("An allowing decision is not a refusal.", nameof(decision)) : new(default, decision.Reason, decision.RetryAfter);

    /// <summary>Describes the result without the token.</summary>
    /// <returns>The issued invitation, or the refusal.</returns>
    public override string ToString() => IsIssued ? _issued.ToString() : RetryAfter is { } wait ? $"refused: {Reason} (retry after {wait})" : $"refused: {Reason}";
}
