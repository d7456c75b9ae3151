namespace Mix.Invitations.Internal;

/// <summary>The kinds of restriction a token holder may append (docs/design/grants-and-narrowing.md section 2.2).</summary>
internal enum TokenRestrictionKind : byte
{
    /// <summary>Only the presented invitee may redeem; no body, the chain covers the invitee's canonical JID.</summary>
    Invitee = 1,

    /// <summary>An earlier expiry: 32-bit seconds.</summary>
    ExpiresAt = 2,

    /// <summary>Fewer uses: a 16-bit limit and an 8-byte nonce that makes each copy's ledger counter its own.</summary>
    Uses = 3,

    /// <summary>Fewer grants: a mask of the grant kinds kept and a mask of the nodes kept.</summary>
    Grants = 4,
}
