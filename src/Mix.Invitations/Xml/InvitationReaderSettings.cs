using System.Xml;

namespace Mix.Invitations;

/// <summary>
/// Limits that <see cref="InvitationXml"/> applies when it reads untrusted XML, and <see cref="InvitationUri"/> when it
/// parses an untrusted link.
/// </summary>
/// <remarks>
/// Whatever the limits, DTDs are always prohibited and nothing is ever resolved (no external entities, no
/// network or file access). Instances are immutable and may be shared between threads.
/// </remarks>
public sealed class InvitationReaderSettings
{
    /// <summary>The default limit on the input size: 16 KiB.</summary>
    public const int DefaultMaxInputSize = 16 * 1024;

    /// <summary>The default limit on element nesting: 16 levels.</summary>
    public const int DefaultMaxDepth = 16;

    /// <summary>
    /// The default limit on a link's length: 8 KiB, a little over the 8 000 octets RFC 9110 §4.1 recommends that every
    /// recipient support.
    /// </summary>
    public const int DefaultMaxUriLength = 8 * 1024;

    private readonly int _maxInputSize = DefaultMaxInputSize;
    private readonly int _maxDepth = DefaultMaxDepth;
    private readonly int _maxUriLength = DefaultMaxUriLength;
    private XmlReaderSettings? _xmlSettings;

    /// <summary>Gets the default settings.</summary>
    public static InvitationReaderSettings Default { get; } = new();

    /// <summary>Gets the largest input accepted, in characters.</summary>
    /// <value>Default <see cref="DefaultMaxInputSize"/> (16 384); allowed 64 to 16 777 216. Applies to string input,
    /// where it is checked before parsing; an <see cref="XmlReader"/> supplied by the caller keeps its own limits.</value>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when the value is outside the allowed range.</exception>
    public int MaxInputSize
    {
        get => _maxInputSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 16 * 1024 * 1024);
            _maxInputSize = value;
        }
    }

    /// <summary>Gets the deepest element nesting accepted, counted from the element the reader starts at (depth 0).</summary>
    /// <value>Default <see cref="DefaultMaxDepth"/> (16); allowed 2 to 256. An element at a greater depth is an error,
    /// even inside an unknown (ignored) child.</value>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when the value is outside the allowed range.</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 256);
            _maxDepth = value;
        }
    }

    /// <summary>Gets the longest link <see cref="InvitationUri.Parse(string, InvitationReaderSettings?)"/> accepts, in characters.</summary>
    /// <value>Default <see cref="DefaultMaxUriLength"/> (8 192); allowed 64 to 16 777 216. Checked before anything else
    /// is read. An invitation's link is usually well under 1 KiB; one whose JIDs are near RFC 7622's 1 023 bytes per
    /// part, percent-encoded, can be longer than the default, and needs a higher limit.</value>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when the value is outside the allowed range.</exception>
    public int MaxUriLength
    {
        get => _maxUriLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 16 * 1024 * 1024);
            _maxUriLength = value;
        }
    }

    // Built once per settings instance: the instance is immutable, so the reader settings can be shared.
    internal XmlReaderSettings XmlSettings => _xmlSettings ??= new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = _maxInputSize,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        ConformanceLevel = ConformanceLevel.Document,
        ValidationType = ValidationType.None,
        CloseInput = true,
    };
}
