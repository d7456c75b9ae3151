namespace Mix.Invitations;

/// <summary>
/// The outcome of redeeming an invitation (<see cref="InvitationRedeemer.RedeemAsync"/>): valid with its claims, or one
/// failure reason — and, when a use of a use-limited token was taken, the <see cref="Receipt"/> that can give it back.
/// </summary>
/// <remarks>A bad token is an ordinary outcome: it is reported here, never thrown.</remarks>
public readonly struct InvitationRedemptionResult
{
    internal InvitationRedemptionResult(InvitationValidationResult outcome, InvitationRedemptionReceipt? receipt = null, bool isRepeat = false)
    {
        Outcome = outcome;
        Receipt = receipt;
        IsRepeat = isRepeat;
    }

    /// <summary>Gets a value indicating whether the invitation was redeemed.</summary>
    public bool IsValid => Outcome.IsValid;

    /// <summary>Gets why the invitation was refused, or <see cref="InvitationFailureReason.None"/> when it was redeemed.</summary>
    public InvitationFailureReason Reason => Outcome.Reason;

    /// <summary>Gets what the token says; kept on refusals that come after the tag verified, as on <see cref="InvitationValidationResult.Claims"/>.</summary>
    public InvitationClaims Claims => Outcome.Claims;

    /// <summary>Gets the RFC 6120 stanza error a server should return for this outcome.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the result is valid: there is no error to send.</exception>
    public InvitationStanzaError StanzaError => Outcome.StanzaError;

    /// <summary>
    /// Gets the receipt of the use this redemption took, to give it back with <see cref="InvitationRedeemer.ReleaseAsync"/>
    /// when the join fails afterwards; <see langword="null"/> when no use was taken — the redemption was refused, or
    /// the token has no use limit — so there is nothing to give back.
    /// </summary>
    public InvitationRedemptionReceipt? Receipt { get; }

    /// <summary>
    /// Gets a value indicating whether this redemption is a retry: the same bare joiner redeemed the same use-limited
    /// token before, and that use is still outstanding, so the ledger took no second use. <see cref="Receipt"/> is then
    /// the earlier redemption's (same use id). A server can tell a retry from a first join by it, for instance to
    /// answer without announcing the participant again.
    /// </summary>
    public bool IsRepeat { get; }

    /// <summary>Gets the outcome as a validation result, for telemetry.</summary>
    internal InvitationValidationResult Outcome { get; }

    /// <summary>Describes the outcome without the token or any secret.</summary>
    /// <returns><c>valid (policy, key id)</c> or the reason.</returns>
    public override string ToString() => Outcome.ToString();
}
