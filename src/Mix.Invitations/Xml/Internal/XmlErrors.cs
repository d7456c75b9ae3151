using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace Mix.Invitations.Internal;

/// <summary>
/// Error texts of the XML readers that never quote the input (issue 14): an <see cref="XmlException"/>'s message quotes
/// the text it stumbled on (a token sent in an unquoted attribute came back in the error), and element and entity names
/// are input too. A reader's error names only the elements of the protocols, the kind of problem, and where it is.
/// </summary>
internal static partial class XmlErrors
{
    /// <summary>The element names of the protocols and their stanzas: the only names an error may repeat.</summary>
    private static readonly HashSet<string> KnownElements = new(StringComparer.Ordinal)
    {
        "invitation", "inviter", "invitee", "channel", "token", "join", "invite", "query", "invitation-ack", "value",
        "subscribe", "nick", "preauth", "message", "iq", "presence", "body",
    };

    /// <summary>
    /// The problems an <see cref="XmlException"/> reports, recognised by the shape of System.Xml's (English) messages,
    /// each with the phrase said instead. A message not recognised (another language, resource keys) is reported as
    /// "malformed XML": the kind is lost, the input is still not quoted.
    /// </summary>
    private static readonly (Regex Pattern, string Problem)[] Problems =
    [
        (ExpectedQuote(), "an attribute value is not quoted"),
        (ExpectedEquals(), "an attribute has no '=' and value"),
        (UndeclaredEntity(), "a reference to an undeclared entity"),
        (TagMismatch(), "an end tag does not match its start tag"),
        (UndeclaredPrefix(), "an undeclared namespace prefix"),
        (DuplicateAttribute(), "a duplicate attribute"),
        (CharacterReference(), "a malformed character reference"),
        (EndOfFile(), "the input ends before its elements are closed"),
        (RootLevel(), "text or markup outside the root element"),
        (MultipleRoots(), "more than one root element"),
        (Declaration(), "a malformed XML declaration"),
        (AttributeCharacter(), "a character not allowed in an attribute value"),
        (NameCharacter(), "a character not allowed in a name"),
        (InvalidCharacter(), "a character XML does not allow"),
        (Comment(), "a malformed comment"),
        (NamespaceDeclaration(), "an invalid namespace declaration"),
        (CdataEnd(), "']]>' in text"),
        (Dtd(), "a DTD, which is prohibited"),
        (Limit(), "more characters than the reader's limit allows"),
        (UnexpectedToken(), "unexpected markup"),
    ];

    /// <summary>
    /// Names an element for an error: <c>&lt;channel&gt;</c> for an element of the protocols, otherwise
    /// <paramref name="unknown"/> (the name an unknown element was sent with is input, and is not repeated).
    /// </summary>
    internal static string Name(string localName, string unknown = "an element") =>
        KnownElements.Contains(localName) ? $"<{localName}>" : unknown;

    /// <summary>Describes a well-formedness error without quoting the input.</summary>
    /// <param name="shapeName">The element being read.</param>
    /// <param name="exception">The reader's exception; its message is looked at, never repeated.</param>
    /// <param name="reader">The reader, for the element whose tag or content the error is in.</param>
    internal static string NotWellFormed(string shapeName, XmlException exception, XmlReader reader)
    {
        var problem = "malformed XML";
        foreach (var (pattern, phrase) in Problems)
        {
            if (pattern.IsMatch(exception.Message))
            {
                problem = phrase;
                break;
            }
        }

        var where = string.Empty;
        try
        {
            if (reader.NodeType is XmlNodeType.Element or XmlNodeType.EndElement && KnownElements.Contains(reader.LocalName))
            {
                where = $" in <{reader.LocalName}>";
            }
        }
        catch (InvalidOperationException)
        {
            // A reader in error may refuse to say; the element is then not named.
        }

        var position = exception.LineNumber > 0
            ? string.Create(CultureInfo.InvariantCulture, $" (line {exception.LineNumber}, position {exception.LinePosition})")
            : string.Empty;
        return $"Cannot read <{shapeName}>: the XML is not well-formed or not allowed: {problem}{where}{position}";
    }

    [GeneratedRegex(@"The expected token is '""' or '''")]
    private static partial Regex ExpectedQuote();

    [GeneratedRegex("The expected token is '='")]
    private static partial Regex ExpectedEquals();

    [GeneratedRegex("^Reference to undeclared entity")]
    private static partial Regex UndeclaredEntity();

    [GeneratedRegex("start tag on line .* does not match the end tag")]
    private static partial Regex TagMismatch();

    [GeneratedRegex("is an undeclared prefix")]
    private static partial Regex UndeclaredPrefix();

    [GeneratedRegex("is a duplicate attribute name")]
    private static partial Regex DuplicateAttribute();

    [GeneratedRegex("numeric entity reference|character reference")]
    private static partial Regex CharacterReference();

    [GeneratedRegex("^Unexpected end of")]
    private static partial Regex EndOfFile();

    [GeneratedRegex("^Data at the root level is invalid")]
    private static partial Regex RootLevel();

    [GeneratedRegex("multiple root elements")]
    private static partial Regex MultipleRoots();

    [GeneratedRegex("XML declaration|^Version number|encoding|standalone")]
    private static partial Regex Declaration();

    [GeneratedRegex("is an invalid attribute character")]
    private static partial Regex AttributeCharacter();

    [GeneratedRegex("cannot be included in a name|^Name cannot begin with")]
    private static partial Regex NameCharacter();

    [GeneratedRegex("is an invalid character")]
    private static partial Regex InvalidCharacter();

    [GeneratedRegex("^An XML comment")]
    private static partial Regex Comment();

    [GeneratedRegex("namespace declaration|xmlns")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex("']]>' is not allowed")]
    private static partial Regex CdataEnd();

    [GeneratedRegex("DTD")]
    private static partial Regex Dtd();

    [GeneratedRegex("exceeded a limit")]
    private static partial Regex Limit();

    [GeneratedRegex("is an unexpected token")]
    private static partial Regex UnexpectedToken();
}
