namespace Mix.Invitations;

/// <summary>Why a presented invitation was refused.</summary>
/// <remarks>
/// <para>
/// Validation decides in a fixed order: structure (<see cref="Malformed"/>), <see cref="UnsupportedVersion"/>,
/// <see cref="UnknownKey"/>, then the tag (<see cref="BadSignature"/>). Only once the tag has verified are the
/// reasons that depend on the token's content reported: <see cref="PolicyDisabled"/>, <see cref="LifetimeTooLong"/>,
/// the time window (<see cref="NotYetValid"/>, <see cref="Expired"/>) and the binding (<see cref="ChannelMismatch"/>,
/// <see cref="InviteeMismatch"/>). A forged token can therefore never be reported as expired or mis-bound.
/// </para>
/// <para>
/// The reasons from <see cref="InviterNotAllowed"/> on are produced by redemption (the server's own checks and
/// the ledger), never by stateless validation. Redemption may also report <see cref="Expired"/> from the ledger.
/// </para>
/// </remarks>
public enum InvitationFailureReason
{
    /// <summary>No failure: the invitation is valid.</summary>
    None = 0,

    /// <summary>The token is not a well-formed token of a known layout (wrong length, alphabet, padding, flags, policy id).</summary>
    Malformed = 1,

    /// <summary>The token's version byte names a format this library does not implement.</summary>
    UnsupportedVersion = 2,

    /// <summary>The token names a key id that is not in the key ring, or whose verify-until date has passed.</summary>
    UnknownKey = 3,

    /// <summary>The tag does not match: the token was forged, altered, or presented with other bound fields.</summary>
    BadSignature = 4,

    /// <summary>The token is genuine but its binding policy is switched off on this server.</summary>
    PolicyDisabled = 5,

    /// <summary>The token is genuine but its issued-at time is further in the future than the tolerance allows.</summary>
    NotYetValid = 6,

    /// <summary>
    /// The token is genuine but its expiry (plus the tolerance) has passed. Redemption also reports it when the ledger
    /// was reached only after the token's retention instant (expiry + tolerance +
    /// <see cref="MixInvitationOptions.LedgerRetentionMargin"/>): the ledger may have forgotten the token by then, so
    /// it refuses rather than admit it uncounted (<see cref="InvitationLedgerOutcome.Expired"/>).
    /// </summary>
    Expired = 7,

    /// <summary>The token is genuine but was presented to another channel than the one it admits to.</summary>
    ChannelMismatch = 8,

    /// <summary>The token is genuine but the joining user is not one its policy admits (for example not the invitee).</summary>
    InviteeMismatch = 9,

    /// <summary>Redemption: the server's own check says the inviter may no longer invite.</summary>
    InviterNotAllowed = 10,

    /// <summary>Redemption: the server's own check says the joining user is banned from the channel.</summary>
    JoinerBanned = 11,

    /// <summary>Redemption: the token was revoked.</summary>
    Revoked = 12,

    /// <summary>Redemption: every use the token allows has been consumed.</summary>
    UsesExhausted = 13,

    /// <summary>Redemption: the ledger could not be reached, so the token was refused (fail closed).</summary>
    LedgerUnavailable = 14,

    /// <summary>
    /// The token is genuine but its lifetime (expires-at − issued-at) is longer than this server's
    /// <see cref="MixInvitationOptions.MaxLifetime"/>: validation re-checks every limit issuing enforces, so a token
    /// issued under a laxer configuration, or minted by a key holder with any instants it likes, is not accepted here.
    /// </summary>
    LifetimeTooLong = 15,

    /// <summary>
    /// The token is genuine but grants kinds this edition of the library does not define
    /// (<see cref="InvitationGrants.HasUnknownGrants"/>): the service cannot honour them, so it does not admit under them
    /// (unless <see cref="MixInvitationOptions.IgnoreUnknownGrants"/> is set). Reported after the binding checks.
    /// </summary>
    GrantNotSupported = 16,
}
