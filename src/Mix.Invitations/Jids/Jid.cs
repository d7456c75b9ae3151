using System.Diagnostics.CodeAnalysis;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// An XMPP address (JID) in the canonical form of RFC 7622: <c>[localpart@]domainpart[/resourcepart]</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every part is normalised when the value is created: the localpart with the PRECIS UsernameCaseMapped profile
/// (RFC 8265, plus the characters RFC 7622 §3.3.1 excludes), the domainpart with IDNA (U-labels, lowercased, one
/// trailing dot removed; an IPv4 address in strict dotted decimal, an IPv6 address in brackets written as RFC 5952
/// says, so <c>[0:0::1]</c> is <c>[::1]</c>; zone identifiers refused) and the resourcepart with the PRECIS
/// OpaqueString profile.
/// Two spellings that RFC 7622 makes equal therefore give equal values, equal hash codes and the same
/// <see cref="ToString"/>; this is what lets an invitation issued for <c>Cat@Shakespeare.LIT</c> be redeemed by
/// <c>cat@shakespeare.lit</c>.
/// </para>
/// <para>
/// Parsing is linear in the length of the text: a part that cannot be prepared into RFC 7622's 1023 bytes is refused
/// before the normalisation work, and error messages describe at most one offending character, never quoting the text.
/// A part of plain ASCII, on which the profiles and IDNA only lower-case and check characters, is recognised in one
/// search and prepared directly, with exactly the result and errors of the full preparation.
/// </para>
/// <para>
/// <c>default(Jid)</c> is the empty address: <see cref="IsEmpty"/> is <see langword="true"/> and it is never the
/// result of parsing.
/// </para>
/// <para>
/// A value is one reference to immutable parts, as cheap to copy and store as a string; it is thread-safe, and the
/// <see cref="Bare"/> address of a full JID is made on first use and then kept.
/// </para>
/// </remarks>
public readonly struct Jid : IEquatable<Jid>
{
    // One reference: a Jid is as cheap to copy, pass and store as a string, and a Jid? costs 16 bytes. The parts live
    // in an immutable object made once per parse (before this, the struct held them itself: 48 bytes, copied with every
    // claims, context and result on the validation path).
    private readonly JidData? _data;

    private Jid(JidData data) => _data = data;

    /// <summary>Gets the normalised localpart, or <see langword="null"/> when the address has none.</summary>
    public string? Local => _data?.Local;

    /// <summary>Gets the normalised domainpart; the empty string for <c>default(Jid)</c>.</summary>
    public string Domain => _data?.Domain ?? string.Empty;

    /// <summary>Gets the normalised resourcepart, or <see langword="null"/> when the address is bare.</summary>
    public string? Resource => _data?.Resource;

    /// <summary>Gets the bare address's text as the canonical form writes it (UTF-8, exc-c14n escaped), or <see langword="null"/> for a full JID.</summary>
    internal ReadOnlySpan<byte> CanonicalText => _data?.CanonicalText;

    /// <summary>Gets a value indicating whether the canonical text is precomputed (bare, non-empty JIDs).</summary>
    internal bool HasCanonicalText => _data?.CanonicalText is not null;

    /// <summary>Gets a value indicating whether the address has no resourcepart.</summary>
    public bool IsBare => _data?.Resource is null;

    /// <summary>Gets a value indicating whether this is <c>default(Jid)</c>, which holds no address.</summary>
    public bool IsEmpty => _data is null;

    /// <summary>Gets the bare address (<c>localpart@domainpart</c>): this address without its resourcepart.</summary>
    public Jid Bare => _data is { Resource: not null } data ? new Jid(data.Bare) : this;

    /// <summary>Parses and normalises an address.</summary>
    /// <param name="text">The address, for example <c>hag66@shakespeare.example/pda</c>.</param>
    /// <returns>The normalised address.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="JidFormatException">Thrown when the text is not a valid address; the message names the part and the cause.</exception>
    public static Jid Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses and normalises an address.</summary>
    /// <param name="text">The address.</param>
    /// <returns>The normalised address.</returns>
    /// <exception cref="JidFormatException">Thrown when the text is not a valid address; the message names the part and the cause.</exception>
    public static Jid Parse(ReadOnlySpan<char> text)
    {
        if (!TryParseCore(text, generalOnly: false, out var jid, out var part, out var error))
        {
            throw new JidFormatException(part, error);
        }

        return jid;
    }

    /// <summary>Tries to parse and normalise an address.</summary>
    /// <param name="text">The address; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="jid">The normalised address, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Jid jid)
    {
        if (text is null)
        {
            jid = default;
            return false;
        }

        return TryParseCore(text.AsSpan(), generalOnly: false, out jid, out _, out _);
    }

    /// <summary>Tries to parse and normalise an address.</summary>
    /// <param name="text">The address.</param>
    /// <param name="jid">The normalised address, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Jid jid) => TryParseCore(text, generalOnly: false, out jid, out _, out _);

    /// <summary>Tries to parse and normalise an address, reporting why it is invalid without throwing.</summary>
    /// <param name="text">The address.</param>
    /// <param name="jid">The normalised address, or <c>default</c> when parsing failed.</param>
    /// <param name="error">
    /// When parsing failed, the same message <see cref="Parse(string)"/> would put in its exception (it names the
    /// part and the cause); otherwise <see langword="null"/>.
    /// </param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Jid jid, [NotNullWhen(false)] out string? error)
    {
        if (TryParseCore(text, generalOnly: false, out jid, out _, out var message))
        {
            error = null;
            return true;
        }

        error = message;
        return false;
    }

    /// <summary>Creates an address from its parts, normalising each one.</summary>
    /// <param name="local">The localpart, or <see langword="null"/> for none.</param>
    /// <param name="domain">The domainpart.</param>
    /// <param name="resource">The resourcepart, or <see langword="null"/> for none.</param>
    /// <returns>The normalised address.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="domain"/> is <see langword="null"/>.</exception>
    /// <exception cref="JidFormatException">Thrown when a part is invalid; the message names the part and the cause.</exception>
    public static Jid Create(string? local, string domain, string? resource = null)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!TryCreateCore(local is null ? null : local.AsSpan(), local is not null, domain, resource is null ? null : resource.AsSpan(), resource is not null, generalOnly: false, out var jid, out var part, out var error))
        {
            throw new JidFormatException(part, error);
        }

        return jid;
    }

    /// <summary>Returns the canonical text of the address: <c>[localpart@]domainpart[/resourcepart]</c>.</summary>
    /// <returns>The canonical form; the empty string for <c>default(Jid)</c>.</returns>
    public override string ToString() => _data?.Full ?? string.Empty;

    /// <summary>Compares the normalised forms octet for octet, as RFC 7622 §3 prescribes.</summary>
    /// <param name="other">The address to compare with.</param>
    /// <returns><see langword="true"/> when both addresses are the same after normalisation.</returns>
    public bool Equals(Jid other) => ReferenceEquals(_data, other._data) || string.Equals(_data?.Full, other._data?.Full, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _data?.Hash ?? 0;

    /// <summary>Compares two addresses after normalisation.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(Jid left, Jid right) => left.Equals(right);

    /// <summary>Compares two addresses after normalisation.</summary>
    /// <param name="left">The first address.</param>
    /// <param name="right">The second address.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Jid left, Jid right) => !left.Equals(right);

    /// <summary>Splits and normalises an address; what every parsing method calls.</summary>
    /// <param name="text">The address.</param>
    /// <param name="generalOnly">
    /// <see langword="true"/> to prepare every part by the general PRECIS/IDNA path, skipping the ASCII fast paths of
    /// <see cref="JidNormalizer"/>: only for the tests that prove both give the same answer for every input.
    /// </param>
    /// <param name="jid">The normalised address.</param>
    /// <param name="part">The part an error is about.</param>
    /// <param name="error">The error message.</param>
    /// <returns><see langword="true"/> when the text is a valid address.</returns>
    internal static bool TryParseCore(ReadOnlySpan<char> text, bool generalOnly, out Jid jid, out JidPart part, [NotNullWhen(false)] out string? error)
    {
        // RFC 7622 §3.2: split before any mapping, so that a code point which decomposes to '@' or '/' can never
        // move a separator. The resource starts at the first '/', the localpart ends at the first '@' before it.
        ReadOnlySpan<char> resource = default;
        var hasResource = false;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            resource = text[(slash + 1)..];
            text = text[..slash];
            hasResource = true;
        }

        ReadOnlySpan<char> local = default;
        var hasLocal = false;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            local = text[..at];
            text = text[(at + 1)..];
            hasLocal = true;
        }

        return TryCreateCore(local, hasLocal, text, resource, hasResource, generalOnly, out jid, out part, out error);
    }

    /// <summary>Normalises an address's parts; <paramref name="generalOnly"/> as in <see cref="TryParseCore"/>.</summary>
    internal static bool TryCreateCore(
        ReadOnlySpan<char> local,
        bool hasLocal,
        ReadOnlySpan<char> domain,
        ReadOnlySpan<char> resource,
        bool hasResource,
        bool generalOnly,
        out Jid jid,
        out JidPart part,
        [NotNullWhen(false)] out string? error)
    {
        jid = default;
        string? normalLocal = null;
        string? normalResource = null;

        if (hasLocal)
        {
            part = JidPart.Localpart;
            if (local.IsEmpty)
            {
                error = "localpart is empty: an '@' must follow a localpart";
                return false;
            }

            if (!JidNormalizer.TryNormalizeLocalpart(local, generalOnly, out normalLocal, out error))
            {
                return false;
            }
        }

        part = JidPart.Domainpart;
        if (!JidNormalizer.TryNormalizeDomainpart(domain, generalOnly, out var normalDomain, out error))
        {
            return false;
        }

        if (hasResource)
        {
            part = JidPart.Resourcepart;
            if (resource.IsEmpty)
            {
                error = "resourcepart is empty: a '/' must be followed by a resourcepart";
                return false;
            }

            if (!JidNormalizer.TryNormalizeResourcepart(resource, generalOnly, out normalResource, out error))
            {
                return false;
            }
        }

        part = JidPart.Address;
        jid = new Jid(new JidData(normalLocal, normalDomain, normalResource));
        return true;
    }

    /// <summary>The normalised parts of one address, and what is derived from them once.</summary>
    private sealed class JidData
    {
        private JidData? _bare;

        internal JidData(string? local, string domain, string? resource)
        {
            Local = local;
            Domain = domain;
            Resource = resource;
            Full = Compose(local, domain, resource);
            Hash = StringComparer.Ordinal.GetHashCode(Full); // randomized per process: no hash flooding by chosen JIDs

            // Invitations bind bare JIDs: their text, escaped and in UTF-8, is computed once here so the canonical
            // <invitation> on the validation path is a few copies rather than a transcoding per token.
            CanonicalText = resource is null ? C14nText.Escape(Full) : null;
        }

        internal string? Local { get; }

        internal string Domain { get; }

        internal string? Resource { get; }

        internal string Full { get; }

        internal int Hash { get; }

        internal byte[]? CanonicalText { get; }

        /// <summary>Gets the bare address of a full one, made on first use and kept (a joiner's full JID is made bare on every join).</summary>
        internal JidData Bare
        {
            get
            {
                if (Resource is null)
                {
                    return this;
                }

                return _bare ?? Interlocked.CompareExchange(ref _bare, new JidData(Local, Domain, null), null) ?? _bare;
            }
        }

        private static string Compose(string? local, string domain, string? resource) => (local, resource) switch
        {
            (null, null) => domain,
            (null, _) => string.Concat(domain, "/", resource),
            (_, null) => string.Concat(local, "@", domain),
            _ => string.Concat(local, "@", domain, "/", resource),
        };
    }
}
