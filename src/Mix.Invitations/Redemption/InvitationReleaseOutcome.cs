namespace Mix.Invitations;

/// <summary>What became of a request to give back a use (<see cref="InvitationRedeemer.ReleaseAsync"/>).</summary>
public enum InvitationReleaseOutcome
{
    /// <summary>The use was outstanding and is given back: the token may be redeemed once more.</summary>
    Released = 0,

    /// <summary>
    /// Nothing was given back: the use was released already (by this call's twin, on this node or another), or the
    /// ledger no longer holds the token (its retention passed, or — for the in-memory ledger — the process restarted).
    /// </summary>
    NotOutstanding = 1,

    /// <summary>The ledger could not be reached: the use stays consumed. Releasing the same receipt again later is safe.</summary>
    LedgerUnavailable = 2,
}
