namespace Mix.Invitations;

/// <summary>What <see cref="InvitationRedeemer.RevokeByIdAsync"/> did.</summary>
public enum InvitationRevocationOutcome
{
    /// <summary>The invitation is revoked: every later redemption of it, on any node sharing the ledger, is refused.</summary>
    Revoked = 0,

    /// <summary>The inventory lists no invitation of that id in the channel (never issued with it registered, or forgotten after its retention): nothing was stored.</summary>
    NotFound = 1,

    /// <summary>The inventory or the ledger could not be reached: it may or may not be revoked — revoke again (revoking twice does no harm).</summary>
    LedgerUnavailable = 2,
}
