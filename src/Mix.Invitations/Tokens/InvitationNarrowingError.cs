namespace Mix.Invitations;

/// <summary>Why an invitation could not be narrowed (<see cref="InvitationNarrowingResult.Error"/>).</summary>
public enum InvitationNarrowingError
{
    /// <summary>Narrowed.</summary>
    None = 0,

    /// <summary>The token is not one this edition can read: not base64url, an unknown version or flag, or a broken layout. Nothing is said about whether it is genuine: narrowing holds no key.</summary>
    Malformed = 1,

    /// <summary>No restriction was asked for.</summary>
    NothingRequested = 2,

    /// <summary>A restriction would not narrow the token: an expiry not before its current one (or not after its issue), a use limit not below its current one, grants it does not have, or an invitee it is already bound to.</summary>
    NotNarrower = 3,

    /// <summary>The token is already bound to another invitee (by its policy or an earlier narrowing): a copy for someone else would admit nobody.</summary>
    InviteeConflict = 4,

    /// <summary>The token would carry more than <see cref="InvitationNarrowing.MaxRestrictions"/> restrictions.</summary>
    TooManyRestrictions = 5,
}
