namespace Mix.Invitations;

/// <summary>What an <see cref="IInvitationLedger"/> decided about one redemption of a token.</summary>
public enum InvitationLedgerOutcome
{
    /// <summary>
    /// The token may be redeemed: for a use-limited token one use was counted; for a token without a use limit the
    /// ledger only confirmed that it is not revoked.
    /// </summary>
    Consumed = 0,

    /// <summary>Every use the token allows has already been consumed; nothing was counted.</summary>
    Exhausted = 1,

    /// <summary>The token was revoked; nothing was counted.</summary>
    Revoked = 2,

    /// <summary>
    /// The ledger was reached at or after the retention instant it was given (the token's expiry, plus
    /// <see cref="MixInvitationOptions.ExpiryTolerance"/>, plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/>),
    /// by its own clock. It may have forgotten the token by then, so it refuses rather than start a fresh entry (fail
    /// closed); nothing was counted or written. <see cref="InvitationRedeemer"/> reports
    /// <see cref="InvitationFailureReason.Expired"/>.
    /// </summary>
    Expired = 3,
}
