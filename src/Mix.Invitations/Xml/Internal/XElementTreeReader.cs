using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations.Internal;

/// <summary>
/// Walks an <see cref="XElement"/> tree the server's XMPP stack already built, presenting it to the shape parsers as
/// the forward-only node stream they read: no parsing (the tree is parsed already), no name table, no allocation.
/// </summary>
/// <remarks>
/// <para>
/// Why not <see cref="XNode.CreateReader()"/>: that reader allocates a name table and atomises every name it is asked
/// for (a hash of the name per <see cref="LocalName"/> and <see cref="NamespaceURI"/>), and computes
/// <see cref="Depth"/> by walking up to the root each time; on the join path that was most of the read (issue 20).
/// This walk yields the same nodes the shape parsers look at: elements, their end tags, text, comments and processing
/// instructions, with the same depths.
/// </para>
/// <para>
/// An element with no child element is presented as at most one text node holding <see cref="XElement.Value"/> (its
/// text nodes joined; comments and processing instructions inside carry no value): that is what the parsers make of
/// it, and it never touches <see cref="XContainer.FirstNode"/>, which on an element that holds only a string would
/// replace the string with a new <see cref="XText"/> (a write to the caller's tree, and an allocation).
/// </para>
/// <para>
/// Only what the parsers use is supported: attributes are read with <see cref="GetAttribute(string)"/> (an unprefixed
/// name, in no namespace, as <see cref="XNode.CreateReader()"/>'s reader finds it), never navigated to.
/// </para>
/// </remarks>
internal sealed class XElementTreeReader(XElement root) : XmlReader
{
    private enum Position
    {
        Initial,
        Start,
        LeafText,
        Node,
        End,
        Eof,
    }

    private readonly XElement _root = root;
    private Position _position;
    private XNode? _node;
    private string _leafText = string.Empty;
    private int _depth;

    /// <inheritdoc />
    public override XmlNodeType NodeType => _position switch
    {
        Position.Start => XmlNodeType.Element,
        Position.End => XmlNodeType.EndElement,
        Position.LeafText => XmlNodeType.Text,
        Position.Node => _node switch
        {
            XCData => XmlNodeType.CDATA,
            XText => XmlNodeType.Text,
            XComment => XmlNodeType.Comment,
            XProcessingInstruction => XmlNodeType.ProcessingInstruction,
            _ => XmlNodeType.None,
        },
        _ => XmlNodeType.None,
    };

    /// <inheritdoc />
    public override string LocalName => _position switch
    {
        Position.Start or Position.End => ((XElement)_node!).Name.LocalName,
        Position.Node when _node is XProcessingInstruction pi => pi.Target,
        _ => string.Empty,
    };

    /// <inheritdoc />
    public override string NamespaceURI => _position is Position.Start or Position.End ? ((XElement)_node!).Name.NamespaceName : string.Empty;

    /// <inheritdoc />
    public override string Prefix => _position is Position.Start or Position.End
        ? ((XElement)_node!).GetPrefixOfNamespace(((XElement)_node!).Name.Namespace) ?? string.Empty
        : string.Empty;

    /// <inheritdoc />
    public override string Value => _position switch
    {
        Position.LeafText => _leafText,
        Position.Node => _node switch
        {
            XText text => text.Value,
            XComment comment => comment.Value,
            XProcessingInstruction pi => pi.Data,
            _ => string.Empty,
        },
        _ => string.Empty,
    };

    /// <inheritdoc />
    public override int Depth => _depth;

    /// <inheritdoc />
    public override bool IsEmptyElement => _position == Position.Start && ((XElement)_node!).IsEmpty;

    /// <inheritdoc />
    public override bool EOF => _position == Position.Eof;

    /// <inheritdoc />
    public override ReadState ReadState => _position switch
    {
        Position.Initial => ReadState.Initial,
        Position.Eof => ReadState.EndOfFile,
        _ => ReadState.Interactive,
    };

    /// <inheritdoc />
    public override string BaseURI => string.Empty;

    /// <inheritdoc />
    public override int AttributeCount
    {
        get
        {
            if (_position != Position.Start)
            {
                return 0;
            }

            var count = 0;
            for (var a = ((XElement)_node!).FirstAttribute; a is not null; a = a.NextAttribute)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>Not used by the parsers; made on first use.</summary>
    public override XmlNameTable NameTable => field ??= new NameTable();

    /// <inheritdoc />
    public override bool Read()
    {
        switch (_position)
        {
            case Position.Initial:
                _node = _root;
                _depth = 0;
                _position = Position.Start;
                return true;
            case Position.Start:
                var element = (XElement)_node!;
                if (element.IsEmpty)
                {
                    return Next(element);
                }

                if (!element.HasElements)
                {
                    // A leaf: its text, if any, then its end tag. Value does not write to the tree (FirstNode would).
                    _leafText = element.Value;
                    if (_leafText.Length > 0)
                    {
                        _depth++;
                        _position = Position.LeafText;
                        return true;
                    }

                    _position = Position.End;
                    return true;
                }

                // Holding an element, its content is a list of nodes already, so FirstNode only reads it.
                _depth++;
                return MoveTo(element.FirstNode!);
            case Position.LeafText:
                _leafText = string.Empty;
                _depth--;
                _position = Position.End;
                return true;
            case Position.Node:
            case Position.End:
                return Next(_node!);
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public override string? GetAttribute(string name)
    {
        if (_position != Position.Start || string.IsNullOrEmpty(name) || name.Contains(':', StringComparison.Ordinal))
        {
            return null;
        }

        for (var a = ((XElement)_node!).FirstAttribute; a is not null; a = a.NextAttribute)
        {
            if (a.Name.Namespace == XNamespace.None && string.Equals(a.Name.LocalName, name, StringComparison.Ordinal))
            {
                return a.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string? GetAttribute(string name, string? namespaceURI)
    {
        if (_position != Position.Start)
        {
            return null;
        }

        var attribute = ((XElement)_node!).Attribute(XNamespace.Get(namespaceURI ?? string.Empty).GetName(name));
        return attribute?.Value;
    }

    /// <inheritdoc />
    public override string GetAttribute(int i) => throw new ArgumentOutOfRangeException(nameof(i));

    /// <inheritdoc />
    public override string? LookupNamespace(string prefix) =>
        _node is XElement element ? element.GetNamespaceOfPrefix(prefix)?.NamespaceName : null;

    /// <inheritdoc />
    public override bool MoveToAttribute(string name) => false;

    /// <inheritdoc />
    public override bool MoveToAttribute(string name, string? ns) => false;

    /// <inheritdoc />
    public override bool MoveToElement() => false;

    /// <inheritdoc />
    public override bool MoveToFirstAttribute() => false;

    /// <inheritdoc />
    public override bool MoveToNextAttribute() => false;

    /// <inheritdoc />
    public override bool ReadAttributeValue() => false;

    /// <inheritdoc />
    public override void ResolveEntity() => throw new InvalidOperationException("An XElement tree holds no entity references.");

    /// <summary>Moves past <paramref name="node"/> (a node, or an element whose end has been reported): to its next sibling, or to its parent's end tag.</summary>
    private bool Next(XNode node)
    {
        if (ReferenceEquals(node, _root))
        {
            _node = null;
            _depth = 0;
            _position = Position.Eof;
            return false;
        }

        if (node.NextNode is { } next)
        {
            return MoveTo(next);
        }

        _node = node.Parent!;
        _depth--;
        _position = Position.End;
        return true;
    }

    private bool MoveTo(XNode node)
    {
        _node = node;
        _position = node is XElement ? Position.Start : Position.Node;
        return true;
    }
}
