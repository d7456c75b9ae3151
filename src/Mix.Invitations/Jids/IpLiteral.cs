using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>
/// IP-address domainparts (RFC 7622 §3.2: <c>IP-literal / IPv4address</c> of RFC 3986) in one canonical spelling, so
/// that two spellings of one address are one JID: <c>[::1]</c>, <c>[0::1]</c> and <c>[0:0::1]</c> are the same channel.
/// </summary>
/// <remarks>
/// <para>
/// IPv6 (<c>[…]</c>): the text between the brackets must match RFC 3986's <c>IPv6address</c> exactly (hexadecimal
/// groups of one to four digits, at most one <c>::</c>, an optional dotted-decimal IPv4 address in the last 32 bits);
/// <see cref="IPAddress"/> then reads the value, and it is written as RFC 5952 §4 says: lowercase, no leading zeros,
/// the longest run of two or more zero groups (the first of equal runs) as <c>::</c>. The last 32 bits are written in
/// dotted decimal (RFC 5952 §5) exactly for the two prefixes RFC 5952 cites for it: IPv4-mapped addresses
/// (<c>::ffff:0:0/96</c>, RFC 4291) and IPv4-translated addresses (<c>::ffff:0:0:0/96</c>, RFC 2765); not for the
/// deprecated IPv4-compatible form, ISATAP or NAT64 prefixes, which <see cref="IPAddress.ToString"/> writes mixed too.
/// Refused: a zone identifier (<c>%eth0</c>: RFC 3986's IP-literal has none, and RFC 6874 adds one to URIs only), an
/// IPv4 address in brackets, IPvFuture (<c>[v1.…]</c>), and anything else <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// is more lenient about.
/// </para>
/// <para>
/// IPv4 (no brackets): RFC 3986's <c>IPv4address</c>, four decimal octets without leading zeros, which is already the
/// one spelling of its address, so it is kept. A name whose last label is all digits but which is not such an
/// address (<c>127.1</c>, <c>0177.0.0.1</c>, <c>127.0.0.01</c>, <c>1.2.3.4.5</c>) is refused rather than taken for a
/// host name: no host name ends in an all-numeric label (RFC 3696 §2, RFC 1123 §2.1 keep them apart from addresses),
/// and such text is what lenient address parsers (<c>inet_aton</c>) read as an IPv4 address, so accepting it would give
/// one host two JIDs.
/// </para>
/// </remarks>
internal static class IpLiteral
{
    /// <summary>The longest IPv6address text: <c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>.</summary>
    private const int MaxIPv6Length = 45;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Canonicalises a bracketed IPv6 literal, brackets included.</summary>
    internal static bool TryNormalizeIPv6(ReadOnlySpan<char> literal, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (literal.Length < 2 || literal[0] != '[' || literal[^1] != ']')
        {
            error = "domainpart starts with '[' but is not an IPv6 literal enclosed in '[' and ']'";
            return false;
        }

        var inner = literal[1..^1];
        if (inner.Contains('%'))
        {
            error = "domainpart is an IPv6 literal with a zone identifier ('%'), which a JID cannot hold (RFC 7622 §3.2, RFC 3986 IP-literal)";
            return false;
        }

        if (inner.Length > 0 && inner[0] is 'v' or 'V')
        {
            error = "domainpart is an IPvFuture literal ('[v…]'), which is not supported";
            return false;
        }

        if (IsIPv4Address(inner))
        {
            error = "domainpart holds an IPv4 address in brackets; an IPv4 address is written without them";
            return false;
        }

        if (inner.Length > MaxIPv6Length || !IsIPv6AddressSyntax(inner))
        {
            error = "domainpart is not a valid IPv6 literal (RFC 3986 IPv6address in '[' and ']')";
            return false;
        }

        if (!IPAddress.TryParse(inner, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId != 0)
        {
            error = "domainpart is not a valid IPv6 literal (RFC 3986 IPv6address in '[' and ']')";
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        result = "[" + FormatIPv6(bytes) + "]";
        error = null;
        return true;
    }

    /// <summary>Returns <see langword="true"/> when the text is RFC 3986's <c>IPv4address</c>: four decimal octets, no leading zeros.</summary>
    internal static bool IsIPv4Address(ReadOnlySpan<char> text)
    {
        var octets = 0;
        foreach (var range in text.Split('.'))
        {
            if (++octets > 4 || !IsDecOctet(text[range]))
            {
                return false;
            }
        }

        return octets == 4;
    }

    /// <summary>
    /// Returns <see langword="true"/> when the last label of a (mapped) host name is all ASCII digits: text that looks
    /// like an IPv4 address to lenient parsers, refused unless it is <see cref="IsIPv4Address"/>.
    /// </summary>
    internal static bool EndsInNumericLabel(ReadOnlySpan<char> name)
    {
        var last = name[(name.LastIndexOf('.') + 1)..];
        return !last.IsEmpty && !last.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>RFC 5952 §4 and §5 text of an IPv6 address.</summary>
    internal static string FormatIPv6(ReadOnlySpan<byte> bytes)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]);
        }

        // §5: dotted decimal for the last 32 bits of IPv4-mapped (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96).
        var leadingZeros = groups.IndexOfAnyExcept((ushort)0);
        var mapped = leadingZeros == 5 && groups[5] == 0xFFFF;
        var translated = leadingZeros == 4 && groups[4] == 0xFFFF && groups[5] == 0;
        var hexGroups = mapped || translated ? 6 : 8;

        // §4.2: the longest run of at least two zero groups becomes "::"; of equal runs, the first.
        int bestStart = -1, bestLength = 1;
        for (var i = 0; i < hexGroups;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < hexGroups && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        var builder = new StringBuilder(45);
        for (var i = 0; i < hexGroups; i++)
        {
            if (i == bestStart)
            {
                builder.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (builder.Length > 0 && builder[^1] != ':')
            {
                builder.Append(':');
            }

            builder.Append(groups[i].ToString("x", CultureInfo.InvariantCulture)); // §4.1 no leading zeros, §4.3 lowercase
        }

        if (hexGroups == 6)
        {
            if (builder[^1] != ':')
            {
                builder.Append(':');
            }

            builder.Append(CultureInfo.InvariantCulture, $"{bytes[12]}.{bytes[13]}.{bytes[14]}.{bytes[15]}");
        }

        return builder.ToString();
    }

    /// <summary>
    /// RFC 3986 §3.2.2 <c>IPv6address</c>: groups of one to four hexadecimal digits separated by ':', at most one
    /// "::" standing for one or more zero groups, optionally an <c>IPv4address</c> as the last two groups; eight
    /// groups without "::", at most seven with it.
    /// </summary>
    private static bool IsIPv6AddressSyntax(ReadOnlySpan<char> text)
    {
        var compressed = text.IndexOf("::");
        if (compressed >= 0 && text[(compressed + 2)..].Contains("::", StringComparison.Ordinal))
        {
            return false;
        }

        int groups;
        if (compressed < 0)
        {
            if (!TryCountGroups(text, allowIPv4: true, out groups))
            {
                return false;
            }

            return groups == 8;
        }

        var head = text[..compressed];
        var tail = text[(compressed + 2)..];
        if (!TryCountGroups(head, allowIPv4: false, out var headGroups) || !TryCountGroups(tail, allowIPv4: true, out var tailGroups))
        {
            return false;
        }

        return headGroups + tailGroups <= 7;
    }

    /// <summary>Counts the groups of a ':'-separated list (empty text: none); an IPv4 address, last only, counts two.</summary>
    private static bool TryCountGroups(ReadOnlySpan<char> text, bool allowIPv4, out int groups)
    {
        groups = 0;
        if (text.IsEmpty)
        {
            return true;
        }

        while (true)
        {
            var colon = text.IndexOf(':');
            var group = colon < 0 ? text : text[..colon];
            if (colon < 0 && allowIPv4 && group.Contains('.'))
            {
                groups += 2;
                return IsIPv4Address(group);
            }

            if (group.Length is 0 or > 4 || group.ContainsAnyExcept(HexDigits))
            {
                return false;
            }

            groups++;
            if (colon < 0)
            {
                return true;
            }

            text = text[(colon + 1)..];
        }
    }

    private static bool IsDecOctet(ReadOnlySpan<char> text) =>
        text.Length is >= 1 and <= 3
        && !text.ContainsAnyExceptInRange('0', '9')
        && (text.Length == 1 || text[0] != '0')
        && int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) <= 255;

}
