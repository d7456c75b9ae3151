namespace Mix.Invitations;

/// <summary>
/// The exception thrown when XML or a link does not hold a well-formed invitation (XEP-0407 §6, XEP-0379, RFC 5122).
/// </summary>
/// <remarks>
/// The message names the element (or URI part) and the problem, for example <c>&lt;invitation&gt; has no &lt;channel&gt;</c>
/// or <c>&lt;invitation&gt; has more than one &lt;token&gt;, which is ambiguous</c>. It never contains the token, nor any
/// other text of the input longer than one described character: malformed XML is reported by kind, element and position
/// (for example <c>an attribute value is not quoted in &lt;preauth&gt; (line 1, position 40)</c>), and the reader's own
/// <see cref="System.Xml.XmlException"/>, whose message quotes the input, is not kept as an inner exception.
/// Every reader in <see cref="InvitationXml"/> and <see cref="InvitationUri"/> reports failures through this type or
/// through the error of its <c>Try…</c> pair, never through a bare <see cref="System.Xml.XmlException"/>.
/// </remarks>
public sealed class InvitationFormatException : FormatException
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public InvitationFormatException()
        : base("The input does not hold a valid invitation.")
    {
    }

    /// <summary>Initializes a new instance with a message that names the element and the problem.</summary>
    /// <param name="message">The message.</param>
    public InvitationFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvitationFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
