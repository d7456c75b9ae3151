namespace Mix.Invitations;

/// <summary>The outcome of validating or redeeming an invitation: valid with its claims, or one failure reason.</summary>
/// <remarks>A bad token is an ordinary outcome: it is reported here, never thrown.</remarks>
public readonly struct InvitationValidationResult
{
    private InvitationValidationResult(InvitationFailureReason reason, InvitationClaims claims)
    {
        Reason = reason;
        Claims = claims;
    }

    /// <summary>Gets a value indicating whether the invitation was accepted.</summary>
    public bool IsValid => Reason == InvitationFailureReason.None;

    /// <summary>Gets why the invitation was refused, or <see cref="InvitationFailureReason.None"/> when it is valid.</summary>
    public InvitationFailureReason Reason { get; }

    /// <summary>Gets what the token says; meaningful only when <see cref="IsValid"/> is <see langword="true"/>.</summary>
    /// <remarks>
    /// Redemption failures that come after the tag verified (for example <see cref="InvitationFailureReason.UsesExhausted"/>)
    /// keep the claims too, so a caller can log the key id and token id.
    /// </remarks>
    public InvitationClaims Claims { get; }

    /// <summary>Gets the RFC 6120 stanza error a server should return for this outcome.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the result is valid: there is no error to send.</exception>
    public InvitationStanzaError StanzaError => IsValid
        ? throw new InvalidOperationException("A valid invitation has no stanza error.")
        : InvitationStanzaError.For(Reason);

    /// <summary>Creates a valid result.</summary>
    /// <param name="claims">The verified claims.</param>
    /// <returns>The result.</returns>
    public static InvitationValidationResult Success(InvitationClaims claims) => new(InvitationFailureReason.None, claims);

    /// <summary>Creates a refusal.</summary>
    /// <param name="reason">Why the invitation was refused; not <see cref="InvitationFailureReason.None"/>.</param>
    /// <param name="claims">The claims, when the tag had verified before the refusal; otherwise <c>default</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="reason"/> is <see cref="InvitationFailureReason.None"/> or not a defined reason.</exception>
    public static InvitationValidationResult Failure(InvitationFailureReason reason, InvitationClaims claims = default)
    {
        if (reason == InvitationFailureReason.None || !Enum.IsDefined(reason))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "A failure needs a defined reason other than None.");
        }

        return new(reason, claims);
    }

    /// <summary>Describes the outcome without the token or any secret.</summary>
    /// <returns><c>valid (policy, key id)</c> or the reason.</returns>
    public override string ToString() => IsValid ? $"valid ({Claims.Policy}, key {Claims.KeyId})" : $"refused: {Reason}";
}
