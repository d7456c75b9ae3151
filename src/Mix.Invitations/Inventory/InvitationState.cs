namespace Mix.Invitations;

/// <summary>Where an invitation listed by an <see cref="IInvitationInventory"/> stands, as the ledger sees it when listed.</summary>
/// <remarks>
/// Derived at each read from the ledger's state — never stored beside it — so a redemption writes nothing to the
/// inventory. When several apply, the first of <see cref="Revoked"/>, <see cref="Expired"/>, <see cref="Exhausted"/>
/// wins: an exhausted invitation that was then revoked lists as revoked.
/// </remarks>
public enum InvitationState
{
    /// <summary>Redeemable: not revoked, not expired, and with uses left (or without a use limit).</summary>
    Active = 0,

    /// <summary>Every use of a use-limited invitation is taken (and not given back).</summary>
    Exhausted = 1,

    /// <summary>Revoked one by one, or by a bulk revocation of its channel or inviter that reaches its issued-at.</summary>
    Revoked = 2,

    /// <summary>Past its expiry; it stays listed until the ledger forgets it (expiry + tolerance + retention margin).</summary>
    Expired = 3,
}
