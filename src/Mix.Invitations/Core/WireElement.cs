using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations;

/// <summary>
/// An element of the invitation protocols that writes itself as XML: <see cref="Invitation"/>, <see cref="MixJoin"/>,
/// <see cref="InviteRequest"/>, <see cref="InviteResult"/>, <see cref="InvitationAck"/> and <see cref="Preauth"/>.
/// Read them with <see cref="InvitationXml"/>.
/// </summary>
/// <remarks>
/// <para>
/// The set of elements is closed: the constructor is <c>private protected</c>, so no type outside this library can
/// derive from this class, and <see cref="InvitationXml"/> can read every type that does.
/// </para>
/// <para>
/// Every element is written once, by <see cref="WriteTo"/>; <see cref="ToXml"/> and <see cref="ToXElement"/> are
/// that writer aimed at a string and at an <see cref="XElement"/>. Elements are written in the current namespaces
/// (<c>urn:xmpp:mix:misc:0</c>; <c>&lt;join/&gt;</c> in <c>urn:xmpp:mix:core:1</c> with the invitation in
/// <c>urn:xmpp:mix:misc:0</c>; <c>&lt;preauth/&gt;</c> in <c>urn:xmpp:pars:0</c>) with their children in the order
/// of XEP-0407's examples. The bytes a token's MAC covers are not these: the canonical form of <c>docs/token-format.md</c>, built inside the library from the bare JIDs alone.
/// </para>
/// </remarks>
public abstract class WireElement
{
    private static readonly XmlWriterSettings StringSettings = new()
    {
        OmitXmlDeclaration = true,
        Indent = false,
        ConformanceLevel = ConformanceLevel.Fragment,
        NewLineHandling = NewLineHandling.Entitize,
        CheckCharacters = true,
    };

    /// <summary>Initializes a new element; only the element types of this library derive from this class.</summary>
    private protected WireElement()
    {
    }

    /// <summary>Writes the element to an <see cref="XmlWriter"/>.</summary>
    /// <param name="writer">The writer; namespace declarations are added only where not already in scope.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a string in the element holds a character XML cannot carry; the parameter name names the field.</exception>
    public void WriteTo(XmlWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteCore(writer);
    }

    /// <summary>Writes the element as XML text, without an XML declaration.</summary>
    /// <returns>The XML, for example <c>&lt;invitation xmlns="urn:xmpp:mix:misc:0"&gt;…</c>.</returns>
    /// <exception cref="ArgumentException">Thrown when a string in the element holds a character XML cannot carry; the parameter name names the field.</exception>
    public string ToXml()
    {
        var builder = new StringBuilder(256);
        using (var writer = XmlWriter.Create(builder, StringSettings))
        {
            WriteCore(writer);
        }

        return builder.ToString();
    }

    /// <summary>Builds the element as a new <see cref="XElement"/>.</summary>
    /// <returns>A new element with no parent; its names carry their namespaces, and it holds no namespace declaration attributes.</returns>
    /// <exception cref="ArgumentException">Thrown when a string in the element holds a character XML cannot carry; the parameter name names the field.</exception>
    public XElement ToXElement()
    {
        var document = new XDocument();
        using (var writer = document.CreateWriter())
        {
            WriteCore(writer);
        }

        var element = document.Root!;
        element.Remove();

        // The writer declares each namespace where it comes into scope; the names themselves carry their namespaces,
        // so the declarations are dropped and the element is the same as one built with XName values.
        foreach (var declaration in element.DescendantsAndSelf().Attributes().Where(a => a.IsNamespaceDeclaration).ToList())
        {
            declaration.Remove();
        }

        return element;
    }

    /// <summary>Writes the element; the writer is not <see langword="null"/>.</summary>
    /// <param name="writer">The writer.</param>
    private protected abstract void WriteCore(XmlWriter writer);

    /// <summary>Refuses a string that XML cannot carry, naming the field it came from.</summary>
    /// <param name="text">The string to write.</param>
    /// <param name="field">The field's name, reported as the exception's parameter name.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="text"/> holds a character XML cannot carry.</exception>
    private protected static void EnsureXmlText(string text, string field)
    {
        try
        {
            XmlConvert.VerifyXmlChars(text);
        }
        catch (XmlException ex)
        {
            throw new ArgumentException($"The {field} holds a character XML cannot carry.", field, ex);
        }
    }
}
