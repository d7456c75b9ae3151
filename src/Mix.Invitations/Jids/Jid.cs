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
/// trailing dot removed; IP literals kept as they are) and the resourcepart with the PRECIS OpaqueString profile.
/// Two spellings that RFC 7622 makes equal therefore give equal values, equal hash codes and the same
/// <see cref="ToString"/>; this is what lets an invitation issued for <c>Cat@Shakespeare.LIT</c> be redeemed by
/// <c>cat@shakespeare.lit</c>.
/// </para>
/// <para>
/// <c>default(Jid)</c> is the empty address: <see cref="IsEmpty"/> is <see langword="true"/> and it is never the
/// result of parsing.
/// </para>
/// </remarks>
public readonly struct Jid : IEquatable<Jid>
{
    private readonly string? _local;
    private readonly string? _domain;
    private readonly string? _resource;
    private readonly string? _full;
    private readonly byte[]? _canonicalText;
    private readonly int _hash;

    private Jid(string? local, string domain, string? resource)
    {
        _local = local;
        _domain = domain;
        _resource = resource;
        _full = Compose(local, domain, resource);
        _hash = StringComparer.Ordinal.GetHashCode(_full); // randomized per process: no hash flooding by chosen JIDs

        // Invitations bind bare JIDs: their text, escaped and in UTF-8, is computed once here so the canonical
        // <invitation> on the validation path is a few copies rather than a transcoding per token.
        _canonicalText = resource is null ? InvitationCanonicalForm.EscapeText(_full) : null;
    }

    /// <summary>Gets the normalised localpart, or <see langword="null"/> when the address has none.</summary>
    public string? Local => _local;

    /// <summary>Gets the normalised domainpart; the empty string for <c>default(Jid)</c>.</summary>
    public string Domain => _domain ?? string.Empty;

    /// <summary>Gets the normalised resourcepart, or <see langword="null"/> when the address is bare.</summary>
    public string? Resource => _resource;

    /// <summary>Gets the bare address's text as the canonical form writes it (UTF-8, exc-c14n escaped), or <see langword="null"/> for a full JID.</summary>
    internal ReadOnlySpan<byte> CanonicalText => _canonicalText;

    /// <summary>Gets a value indicating whether the canonical text is precomputed (bare, non-empty JIDs).</summary>
    internal bool HasCanonicalText => _canonicalText is not null;

    /// <summary>Gets a value indicating whether the address has no resourcepart.</summary>
    public bool IsBare => _resource is null;

    /// <summary>Gets a value indicating whether this is <c>default(Jid)</c>, which holds no address.</summary>
    public bool IsEmpty => _domain is null;

    /// <summary>Gets the bare address (<c>localpart@domainpart</c>): this address without its resourcepart.</summary>
    public Jid Bare => _resource is null ? this : new Jid(_local, _domain!, null);

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
        if (!TryParseCore(text, out var jid, out var part, out var error))
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

        return TryParseCore(text.AsSpan(), out jid, out _, out _);
    }

    /// <summary>Tries to parse and normalise an address.</summary>
    /// <param name="text">The address.</param>
    /// <param name="jid">The normalised address, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Jid jid) => TryParseCore(text, out jid, out _, out _);

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
        if (TryParseCore(text, out jid, out _, out var message))
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
        if (!TryCreateCore(local is null ? null : local.AsSpan(), local is not null, domain, resource is null ? null : resource.AsSpan(), resource is not null, out var jid, out var part, out var error))
        {
            throw new JidFormatException(part, error);
        }

        return jid;
    }

    /// <summary>Returns the canonical text of the address: <c>[localpart@]domainpart[/resourcepart]</c>.</summary>
    /// <returns>The canonical form; the empty string for <c>default(Jid)</c>.</returns>
    public override string ToString() => _full ?? string.Empty;

    /// <summary>Compares the normalised forms octet for octet, as RFC 7622 §3 prescribes.</summary>
    /// <param name="other">The address to compare with.</param>
    /// <returns><see langword="true"/> when both addresses are the same after normalisation.</returns>
    public bool Equals(Jid other) => string.Equals(_full, other._full, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Jid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

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

    private static bool TryParseCore(ReadOnlySpan<char> text, out Jid jid, out JidPart part, [NotNullWhen(false)] out string? error)
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

        return TryCreateCore(local, hasLocal, text, resource, hasResource, out jid, out part, out error);
    }

    private static bool TryCreateCore(
        ReadOnlySpan<char> local,
        bool hasLocal,
        ReadOnlySpan<char> domain,
        ReadOnlySpan<char> resource,
        bool hasResource,
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

            if (!JidNormalizer.TryNormalizeLocalpart(local, out normalLocal, out error))
            {
                return false;
            }
        }

        part = JidPart.Domainpart;
        if (!JidNormalizer.TryNormalizeDomainpart(domain, out var normalDomain, out error))
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

            if (!JidNormalizer.TryNormalizeResourcepart(resource, out normalResource, out error))
            {
                return false;
            }
        }

        part = JidPart.Address;
        jid = new Jid(normalLocal, normalDomain, normalResource);
        return true;
    }

    private static string Compose(string? local, string domain, string? resource) => (local, resource) switch
    {
        (null, null) => domain,
        (null, _) => string.Concat(domain, "/", resource),
        (_, null) => string.Concat(local, "@", domain),
        _ => string.Concat(local, "@", domain, "/", resource),
    };
}
