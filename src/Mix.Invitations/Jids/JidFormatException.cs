namespace Mix.Invitations;

/// <summary>
/// The exception thrown by <see cref="Jid.Parse(string)"/> and <see cref="Jid.Create"/> when text is not a valid
/// XMPP address under RFC 7622.
/// </summary>
/// <remarks>
/// The message names the part and the cause, for example
/// <c>localpart contains disallowed character U+003C '&lt;'</c> or <c>domainpart is 1040 bytes; at most 1023 allowed</c>.
/// </remarks>
public sealed class JidFormatException : FormatException
{
    /// <summary>Initializes a new instance with a message that names the problem.</summary>
    /// <param name="message">The message.</param>
    public JidFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JidFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the offending part.</summary>
    /// <param name="part">The part that is invalid.</param>
    /// <param name="message">The message, which names the part and the cause.</param>
    public JidFormatException(JidPart part, string message)
        : base(message)
    {
        Part = part;
    }

    /// <summary>Initializes a new instance with a generic message.</summary>
    public JidFormatException()
        : base("The text is not a valid JID.")
    {
    }

    /// <summary>Gets the part of the address that is invalid.</summary>
    /// <value><see cref="JidPart.Address"/> when the problem is with the address as a whole.</value>
    public JidPart Part { get; }
}
