namespace Mix.Invitations;

/// <summary>Thrown by the throwing <c>Validate</c> variants when an invitation is refused.</summary>
/// <remarks>The message names the reason only; it never holds the token.</remarks>
public sealed class InvitationValidationException : Exception
{
    /// <summary>Initializes a new instance for a refusal.</summary>
    /// <param name="reason">Why the invitation was refused.</param>
    public InvitationValidationException(InvitationFailureReason reason)
        : base($"The invitation was refused: {reason}.")
    {
        Reason = reason;
    }

    /// <summary>Initializes a new instance with a generic message.</summary>
    public InvitationValidationException()
        : base("The invitation was refused.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public InvitationValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvitationValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets why the invitation was refused.</summary>
    public InvitationFailureReason Reason { get; }
}
