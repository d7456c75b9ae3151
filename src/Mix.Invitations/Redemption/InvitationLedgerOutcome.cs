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
}
