namespace Mix.Invitations;

/// <summary>
/// Thrown by an <see cref="IInvitationLedger"/> when its store cannot be reached or did not answer in time, so it
/// cannot say whether a token may be redeemed.
/// </summary>
/// <remarks>
/// <see cref="InvitationRedeemer"/> turns it into <see cref="InvitationFailureReason.LedgerUnavailable"/>: a
/// redemption that cannot consult the ledger is refused (fail closed), never let through. The message names the
/// ledger and the cause, never a token or a token id.
/// </remarks>
public sealed class InvitationLedgerUnavailableException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public InvitationLedgerUnavailableException()
        : base("The invitation ledger is unavailable.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What could not be reached; never a token or token id.</param>
    public InvitationLedgerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What could not be reached; never a token or token id.</param>
    /// <param name="innerException">The store's own error, for example a Redis connection error.</param>
    public InvitationLedgerUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
