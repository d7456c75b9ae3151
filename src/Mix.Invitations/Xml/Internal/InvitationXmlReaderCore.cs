using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations.Internal;

/// <summary>
/// The streaming reader behind <see cref="InvitationXml"/>: finds exactly one target element in a stanza (or takes
/// the element itself) and parses it with a shape-specific parser.
/// </summary>
/// <remarks>
/// Why a hand-walked <see cref="XmlReader"/> rather than <c>XDocument</c>: it sits on the join path, it must see
/// every node so that depth and ambiguity are checked before anything is built, and <c>XDocument.Parse</c> expands
/// internal DTD entities. The whole input is read even after the target is found, so that trailing garbage and a
/// second (unsigned, wrapped) target element are reported rather than silently ignored.
/// </remarks>
internal static class InvitationXmlReaderCore
{
    /// <summary>Parses the element the reader is on; leaves the reader on its end tag (or on it, when empty).</summary>
    internal delegate bool ElementParser<T>(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class;

    internal readonly struct ReadContext(int baseDepth, int maxDepth)
    {
        public int BaseDepth { get; } = baseDepth;

        public int MaxDepth { get; } = maxDepth;

        public bool TooDeep(XmlReader reader) => reader.Depth - BaseDepth > MaxDepth;

        public string DepthError(XmlReader reader) =>
            $"{XmlErrors.Name(reader.LocalName, "An element")} is nested more than {MaxDepth} levels deep; the input is refused";
    }

    internal sealed class Shape<T>(string name, Func<XmlReader, bool> matches, ElementParser<T> parse)
        where T : class
    {
        public string Name { get; } = name;

        public Func<XmlReader, bool> Matches { get; } = matches;

        public ElementParser<T> Parse { get; } = parse;
    }

    public static bool TryRead<T>(string xml, Shape<T> shape, InvitationReaderSettings? settings, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(xml);
        settings ??= InvitationReaderSettings.Default;
        if (xml.Length > settings.MaxInputSize)
        {
            value = null;
            error = $"Cannot read <{shape.Name}>: the input is {xml.Length} characters, more than the limit of {settings.MaxInputSize}";
            return false;
        }

        // This thread's name table and input buffer (XmlTextInput): the same locked-down reader, set up for less.
        var (read, result, message) = XmlTextInput.Read(xml, settings.XmlSettings, (shape, settings), static (reader, state) =>
        {
            var ok = TryReadCore(reader, state.shape, state.settings, out var found, out var problem);
            return (ok, found, problem);
        });
        value = result;
        error = message;
        return read;
    }

    public static bool TryRead<T>(XmlReader reader, Shape<T> shape, InvitationReaderSettings? settings, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Settings is { DtdProcessing: DtdProcessing.Parse })
        {
            value = null;
            error = $"Cannot read <{shape.Name}>: the XmlReader allows DTD processing; use DtdProcessing.Prohibit";
            return false;
        }

        return TryReadCore(reader, shape, settings ?? InvitationReaderSettings.Default, out value, out error);
    }

    public static bool TryRead<T>(XElement element, Shape<T> shape, InvitationReaderSettings? settings, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(element);
        // The tree is walked where it is (XElementTreeReader): it is parsed already, and XNode.CreateReader()'s reader
        // costs more than the walk (a name table, a hash per name asked for, a climb to the root per depth asked for).
        using var reader = new XElementTreeReader(element);
        return TryReadCore(reader, shape, settings ?? InvitationReaderSettings.Default, out value, out error);
    }

    private static bool TryReadCore<T>(XmlReader reader, Shape<T> shape, InvitationReaderSettings settings, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        value = null;
        try
        {
            var wholeDocument = false;
            if (reader.ReadState == ReadState.Initial)
            {
                wholeDocument = true;
                if (!reader.Read())
                {
                    error = $"Cannot read <{shape.Name}>: the input is empty";
                    return false;
                }
            }
            else if (reader.ReadState != ReadState.Interactive)
            {
                error = $"Cannot read <{shape.Name}>: the XmlReader is in state {reader.ReadState}, not positioned on an element";
                return false;
            }

            if (!wholeDocument && reader.MoveToContent() != XmlNodeType.Element)
            {
                error = $"Cannot read <{shape.Name}>: the XmlReader is on a {reader.NodeType} node, not on an element";
                return false;
            }

            var context = new ReadContext(reader.Depth, settings.MaxDepth);
            var scopeDepth = reader.Depth;
            var found = false;
            do
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    if (context.TooDeep(reader))
                    {
                        error = context.DepthError(reader);
                        value = null;
                        return false;
                    }

                    if (shape.Matches(reader))
                    {
                        if (found)
                        {
                            error = $"The input holds more than one <{shape.Name}>, which is ambiguous";
                            value = null;
                            return false;
                        }

                        if (!shape.Parse(reader, context, out value, out error))
                        {
                            return false;
                        }

                        found = true;
                    }
                }
                else if (reader.NodeType is XmlNodeType.EntityReference or XmlNodeType.DocumentType)
                {
                    error = $"Cannot read <{shape.Name}>: the input holds a {reader.NodeType}, which is not allowed";
                    value = null;
                    return false;
                }

                if (!wholeDocument
                    && reader.Depth == scopeDepth
                    && (reader.NodeType == XmlNodeType.EndElement || (reader.NodeType == XmlNodeType.Element && reader.IsEmptyElement)))
                {
                    // Leave the caller's reader just after the element it handed us.
                    reader.Read();
                    break;
                }
            }
            while (reader.Read());

            if (!found || value is null)
            {
                value = null;
                error = $"The input holds no <{shape.Name}>";
                return false;
            }

            error = null;
            return true;
        }
        catch (XmlException ex)
        {
            // The exception's message quotes the input it stumbled on (a token sent in the wrong place would come back in
            // the error), so it is described, never repeated, and not kept.
            value = null;
            error = XmlErrors.NotWellFormed(shape.Name, ex, reader);
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // XmlReader implementations report misuse of their state this way (for example a closed reader), and
            // System.Xml's reader over bytes throws ArgumentOutOfRangeException from deep inside when an XML declaration
            // switches the encoding over bytes that do not decode (a fuzzing finding). The parsers themselves throw
            // neither. The message is the implementation's, and is not repeated.
            value = null;
            error = $"Cannot read <{shape.Name}>: the XmlReader failed ({ex.GetType().Name})";
            return false;
        }
    }

    /// <summary>Reads the text content of the element the reader is on and leaves the reader on its end tag.</summary>
    public static bool TryReadText(XmlReader reader, in ReadContext context, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out string? error)
    {
        var name = reader.LocalName;
        text = string.Empty;
        error = null;
        if (reader.IsEmptyElement)
        {
            return true;
        }

        var depth = reader.Depth;
        StringBuilder? builder = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.EndElement when reader.Depth == depth:
                    text = builder?.ToString() ?? text;
                    return true;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (text.Length == 0 && builder is null)
                    {
                        text = reader.Value;
                    }
                    else
                    {
                        builder ??= new StringBuilder(text);
                        builder.Append(reader.Value);
                    }

                    break;
                case XmlNodeType.Element:
                    error = context.TooDeep(reader)
                        ? context.DepthError(reader)
                        : $"<{name}> must hold only text, but holds {XmlErrors.Name(reader.LocalName, "a child element")}";
                    text = null;
                    return false;
                case XmlNodeType.EntityReference:
                    error = $"<{name}> holds an unresolved entity reference, which is not allowed";
                    text = null;
                    return false;
                default:
                    // Comments and processing instructions carry no value.
                    break;
            }
        }

        throw new XmlException($"Unexpected end of input inside <{name}>.");
    }

    /// <summary>The longest JID text read without making a string of it; longer text is read as <see cref="TryReadText"/> reads it.</summary>
    private const int JidTextBufferLength = 512;

    [ThreadStatic]
    private static char[]? t_jidText;

    /// <summary>
    /// Reads the text content of the element the reader is on, as <see cref="TryReadText"/> does, but leaves it in this
    /// thread's buffer rather than in a new string when the reader can hand its text out in chunks: a JID's text is
    /// only parsed, and <see cref="Jid"/> keeps strings of its own (issue 20).
    /// </summary>
    /// <remarks>The span is valid until the next call on this thread.</remarks>
    private static bool TryReadJidText(XmlReader reader, in ReadContext context, out ReadOnlySpan<char> text, [NotNullWhen(false)] out string? error)
    {
        if (!reader.CanReadValueChunk)
        {
            // An XElement's walk: its texts are strings already.
            var read = TryReadText(reader, context, out var whole, out error);
            text = whole;
            return read;
        }

        var name = reader.LocalName;
        text = default;
        error = null;
        if (reader.IsEmptyElement)
        {
            return true;
        }

        var depth = reader.Depth;
        var buffer = t_jidText ??= new char[JidTextBufferLength];
        var length = 0;
        StringBuilder? overflow = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.EndElement when reader.Depth == depth:
                    text = overflow is null ? buffer.AsSpan(0, length) : overflow.Append(buffer, 0, length).ToString();
                    return true;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    int chunk;
                    while ((chunk = reader.ReadValueChunk(buffer, length, buffer.Length - length)) > 0)
                    {
                        length += chunk;
                        if (length == buffer.Length)
                        {
                            (overflow ??= new StringBuilder()).Append(buffer, 0, length);
                            length = 0;
                        }
                    }

                    break;
                case XmlNodeType.Element:
                    error = context.TooDeep(reader)
                        ? context.DepthError(reader)
                        : $"<{name}> must hold only text, but holds {XmlErrors.Name(reader.LocalName, "a child element")}";
                    return false;
                case XmlNodeType.EntityReference:
                    error = $"<{name}> holds an unresolved entity reference, which is not allowed";
                    return false;
                default:
                    // Comments and processing instructions carry no value.
                    break;
            }
        }

        throw new XmlException($"Unexpected end of input inside <{name}>.");
    }

    /// <summary>Reads a JID from the text of the element the reader is on.</summary>
    public static bool TryReadJid(XmlReader reader, in ReadContext context, out Jid jid, [NotNullWhen(false)] out string? error)
    {
        var name = reader.LocalName;
        jid = default;
        if (!TryReadJidText(reader, context, out var text, out error))
        {
            return false;
        }

        if (text.Length == 0)
        {
            error = $"<{name}> is empty; it must hold a JID";
            return false;
        }

        if (!Jid.TryParse(text, out jid, out var jidError))
        {
            error = $"<{name}> is not a valid JID: {jidError}";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads an optional JID (an invitation's <c>&lt;inviter/&gt;</c> or <c>&lt;invitee/&gt;</c>): an element with no
    /// text at all (<c>&lt;invitee/&gt;</c>, <c>&lt;invitee&gt;&lt;/invitee&gt;</c>) names no one, so
    /// <paramref name="jid"/> is <see langword="null"/>; whitespace alone is not a JID and is refused.
    /// </summary>
    /// <remarks>
    /// QXmpp (<c>QXmppMixInvitation</c>, 1.4 and later) writes every field, an unset one as an empty element, so an
    /// inviter-bound or unbound invitation that passed through a QXmpp client carries an empty <c>&lt;invitee/&gt;</c>.
    /// Reading it as absent is safe: an address the policy binds is covered by the token's tag, and an absent one
    /// fails the tag (or the policy) exactly as a missing element does.
    /// </remarks>
    public static bool TryReadOptionalJid(XmlReader reader, in ReadContext context, out Jid? jid, [NotNullWhen(false)] out string? error)
    {
        var name = reader.LocalName;
        jid = null;
        if (!TryReadJidText(reader, context, out var text, out error))
        {
            return false;
        }

        if (text.Length == 0)
        {
            return true;
        }

        if (text.IsWhiteSpace())
        {
            error = $"<{name}> holds only whitespace; it must hold a JID, or nothing at all when it names no one";
            return false;
        }

        if (!Jid.TryParse(text, out var parsed, out var jidError))
        {
            error = $"<{name}> is not a valid JID: {jidError}";
            return false;
        }

        jid = parsed;
        return true;
    }

    /// <summary>Moves through the element's content; returns false at its end tag. Checks depth on the way.</summary>
    public static bool NextChild(XmlReader reader, int parentDepth, in ReadContext context, out string? depthError)
    {
        depthError = null;
        while (reader.Read())
        {
            if (reader.Depth == parentDepth && reader.NodeType == XmlNodeType.EndElement)
            {
                return false;
            }

            if (reader.NodeType == XmlNodeType.Element)
            {
                if (context.TooDeep(reader))
                {
                    depthError = context.DepthError(reader);
                    return false;
                }

                if (reader.Depth == parentDepth + 1)
                {
                    return true;
                }
            }
            else if (reader.NodeType == XmlNodeType.EntityReference)
            {
                depthError = "The input holds an unresolved entity reference, which is not allowed";
                return false;
            }
        }

        throw new XmlException("Unexpected end of input.");
    }
}
