using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Mix.Invitations.Jids.Precis;

namespace Mix.Invitations.Internal;

/// <summary>RFC 7622 enforcement of each JID part; the messages are the ones <see cref="JidFormatException"/> carries.</summary>
internal static class JidNormalizer
{
    /// <summary>RFC 7622 §3.1: every part is at most 1023 octets of UTF-8 after enforcement.</summary>
    internal const int MaxPartBytes = 1023;

    /// <summary>
    /// The most code points a localpart or resourcepart may have before enforcement: more can never be prepared into
    /// <see cref="MaxPartBytes"/> bytes, so they are refused before any PRECIS work (issue 14).
    /// </summary>
    /// <remarks>
    /// Why this bound is sound. Let D(s) be the number of code points of the canonical decomposition (NFD) of s: it is
    /// additive over code points and NFC keeps it. The profiles' mappings (width, case, spaces) never lower D of a code
    /// point, and D of a code point is at most 1.5 per UTF-8 byte of it (U+01D5 decomposes to three code points and is
    /// two bytes); both are checked for every code point by Jids/JidLengthBoundTests.cs. So the prepared form P of an
    /// input s, after any number of passes, has bytes(P) ≥ D(P) / 1.5 ≥ D(s) / 1.5 ≥ codepoints(s) / 1.5: an input of
    /// more than 1534 code points makes more than 1023 bytes.
    /// </remarks>
    internal const int MaxPreparableCodePoints = MaxPartBytes * 3 / 2;

    /// <summary>
    /// The longest domain name IDNA accepts in its ASCII form (<see cref="IdnMapping.GetAscii(string)"/> refuses a longer
    /// one), plus a trailing dot.
    /// </summary>
    internal const int MaxAceLength = 254;

    /// <summary>
    /// The most code points other than default-ignorable ones that an internationalised domainpart may have: UTS #46
    /// maps each of them to at least one code point (it deletes only default-ignorable ones), NFC joins at most four code
    /// points into one (the longest canonical decomposition), and the ASCII form has at least one character per code
    /// point of the U-labels; so more than 4 × <see cref="MaxAceLength"/> can never make a name IDNA accepts.
    /// </summary>
    internal const int MaxIdnCodePoints = 4 * MaxAceLength;

    /// <summary>
    /// The longest run of combining marks (code points whose compatibility decomposition starts with a non-starter,
    /// default-ignorable code points in between not counted) an internationalised domainpart may hold: the run maps
    /// to at least a quarter as many non-ASCII code points in one label, and a label is at most 63 octets in ASCII form
    /// ("xn--" and at least one character per code point). Refusing longer runs before IDNA keeps ICU's insertion sort
    /// of a run's marks short (issue 14).
    /// </summary>
    internal const int MaxIdnMarkRun = 4 * 63;

    /// <summary>RFC 7622 §3.3.1: characters a localpart may not hold even though PRECIS allows them.</summary>
    private static readonly SearchValues<char> ExcludedFromLocalpart = SearchValues.Create("\"&'/:<>@");

    /// <summary>Characters no host name holds; refused before IDNA so the message can name them.</summary>
    private static readonly SearchValues<char> NotInHostNames = SearchValues.Create(" @/\\\"&'<>:");

    /// <summary>STD3 (RFC 1123) host-name characters: letters, digits and '-'.</summary>
    private static readonly SearchValues<char> HostNameCharacters = SearchValues.Create("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>
    /// Printable ASCII without the characters RFC 7622 §3.3.1 excludes: a localpart made only of these is its own
    /// UsernameCaseMapped form once lower-cased (see <see cref="IsPlainAsciiLocalpart"/>).
    /// </summary>
    private static readonly SearchValues<char> PlainLocalpartCharacters = SearchValues.Create("!#$%()*+,-.0123456789;=?ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Host-name characters and the label separator: what a domainpart <see cref="IsPlainAsciiHostName"/> takes is made of.</summary>
    private static readonly SearchValues<char> HostNameCharactersAndDot = SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Enforces RFC 7622 on a localpart: UsernameCaseMapped, then the §3.3.1 exclusions and the length.</summary>
    /// <param name="local">The localpart, non-empty.</param>
    /// <param name="generalOnly">
    /// <see langword="true"/> to skip the ASCII fast path (<see cref="IsPlainAsciiLocalpart"/>); for the tests that
    /// prove the two give the same answer, never for production.
    /// </param>
    /// <param name="result">The normalised localpart.</param>
    /// <param name="error">Why the localpart is refused.</param>
    /// <returns><see langword="true"/> when the localpart is valid.</returns>
    internal static bool TryNormalizeLocalpart(ReadOnlySpan<char> local, bool generalOnly, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (!generalOnly && IsPlainAsciiLocalpart(local))
        {
            // The general path below, with what it does to such text: its checks and mappings pass or change nothing but
            // case (see IsPlainAsciiLocalpart), so only the two length checks are left, the same ones in the same order.
            return CheckPreparable(local, "localpart", out error) && CheckLength(ToLowerAscii(local), "localpart", out result, out error);
        }

        if (!CheckRawText(local, "localpart", out error) || !CheckPreparable(local, "localpart", out error))
        {
            return false;
        }

        if (!PrecisProfiles.UsernameCaseMapped.TryEnforce(local, out var enforced, out var precisError))
        {
            error = "localpart " + precisError;
            return false;
        }

        var excluded = enforced.AsSpan().IndexOfAny(ExcludedFromLocalpart);
        if (excluded >= 0)
        {
            error = "localpart contains disallowed character " + Describe(enforced[excluded]) + " (RFC 7622 §3.3.1)";
            return false;
        }

        return CheckLength(enforced, "localpart", out result, out error);
    }

    /// <summary>Enforces RFC 7622 on a resourcepart: OpaqueString, then the length.</summary>
    /// <param name="resource">The resourcepart, non-empty.</param>
    /// <param name="generalOnly"><see langword="true"/> to skip the ASCII fast path (<see cref="IsPlainAsciiResourcepart"/>); for tests.</param>
    /// <param name="result">The normalised resourcepart.</param>
    /// <param name="error">Why the resourcepart is refused.</param>
    /// <returns><see langword="true"/> when the resourcepart is valid.</returns>
    internal static bool TryNormalizeResourcepart(ReadOnlySpan<char> resource, bool generalOnly, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (!generalOnly && IsPlainAsciiResourcepart(resource))
        {
            // The general path below, with what it does to such text: only its two length checks can refuse it.
            return CheckPreparable(resource, "resourcepart", out error) && CheckLength(resource.ToString(), "resourcepart", out result, out error);
        }

        if (!CheckRawText(resource, "resourcepart", out error) || !CheckPreparable(resource, "resourcepart", out error))
        {
            return false;
        }

        if (!PrecisProfiles.OpaqueString.TryEnforce(resource, out var enforced, out var precisError))
        {
            error = "resourcepart " + precisError;
            return false;
        }

        return CheckLength(enforced, "resourcepart", out result, out error);
    }

    /// <summary>Enforces RFC 7622 on a domainpart: an IP literal, an ASCII host name, or IDNA to U-labels; lowercased.</summary>
    /// <param name="domain">The domainpart.</param>
    /// <param name="generalOnly"><see langword="true"/> to skip the ASCII fast path (<see cref="IsPlainAsciiHostName"/>); for tests.</param>
    /// <param name="result">The normalised domainpart.</param>
    /// <param name="error">Why the domainpart is refused.</param>
    /// <returns><see langword="true"/> when the domainpart is valid.</returns>
    internal static bool TryNormalizeDomainpart(ReadOnlySpan<char> domain, bool generalOnly, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        result = null;

        // RFC 7622 §3.2: one final label separator is stripped before any other canonicalisation. UTS #46 maps the
        // ideographic and fullwidth full stops to '.', so they separate labels too and are stripped alike.
        if (domain.Length > 0 && domain[^1] is '.' or '\u3002' or '\uFF0E' or '\uFF61')
        {
            domain = domain[..^1];
        }

        if (domain.IsEmpty)
        {
            error = "domainpart is empty";
            return false;
        }

        if (!generalOnly && IsPlainAsciiHostName(domain))
        {
            // What the general path below does with such a name (see IsPlainAsciiHostName): every check passes but the
            // length's, whose refusal CheckLength words the same (TooManyBytes; an ASCII name keeps its length through
            // lower-casing); the name lower-cased.
            return CheckLength(ToLowerAscii(domain), "domainpart", out result, out error);
        }

        if (!CheckRawText(domain, "domainpart", out error))
        {
            return false;
        }

        // IP literals (RFC 7622 §3.2): a bracketed IPv6 address, written in its one RFC 5952 spelling, or an IPv4
        // address in RFC 3986's strict dotted decimal, which has only one.
        if (domain[0] == '[')
        {
            return IpLiteral.TryNormalizeIPv6(domain, out result, out error);
        }

        if (IpLiteral.IsIPv4Address(domain))
        {
            result = domain.ToString();
            return true;
        }

        var invalid = domain.IndexOfAny(NotInHostNames);
        if (invalid >= 0)
        {
            error = "domainpart contains disallowed character " + Describe(domain[invalid]);
            return false;
        }

        var isAscii = Ascii.IsValid(domain);

        // IDNA refuses long names with a message that does not say why; ASCII keeps its length through the mapping
        // (only case changes), so an over-long ASCII domainpart can be reported as such up front.
        if (isAscii && domain.Length > MaxPartBytes)
        {
            error = TooManyBytes("domainpart", domain.Length);
            return false;
        }

        if (!isAscii && GlobalizationSupport.IsInvariant)
        {
            error = "domainpart contains non-ASCII characters, but this process runs with invariant globalization, where IDNA mapping is unavailable; non-ASCII JIDs are refused rather than compared unnormalised";
            return false;
        }

        if (isAscii && !HasALabel(domain))
        {
            // UTS #46 leaves an all-LDH name as it is apart from case, so it needs no IDNA pass; and IDNA would refuse a
            // label longer than 63 octets, a DNS limit that RFC 7622 does not impose on domainparts (jxmpp's corpus
            // holds one such valid JID).
            return CheckAsciiHostName(domain, out error)
                && CheckNotNumeric(domain, out error)
                && CheckLength(domain.ToString().ToLowerInvariant(), "domainpart", out result, out error);
        }

        if (GlobalizationSupport.IsInvariant)
        {
            error = "domainpart holds an A-label ('xn--'), but this process runs with invariant globalization, where IDNA mapping is unavailable; non-ASCII JIDs are refused rather than compared unnormalised";
            return false;
        }

        if (!CheckIdnBounds(domain, out error))
        {
            return false;
        }

        string text = domain.ToString();
        string unicode;
        try
        {
            // UTS #46 with STD3 rules: maps width and case, applies NFC, and rejects what no host name may hold.
            // Converting to ASCII and back yields the U-labels RFC 7622 §3.2.1 requires (A-labels become U-labels).
            var idn = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false };
            var ascii = idn.GetAscii(text);
            unicode = idn.GetUnicode(ascii);
        }
        catch (ArgumentException)
        {
            // IdnMapping's own message says nothing more; the text is not quoted (a reader's error never echoes its input).
            error = "domainpart is not a valid internationalized domain name (IDNA2008/UTS #46 with STD3 rules)";
            return false;
        }

        // IdnMapping accepts a name that ends in a dot (the DNS root). Only one final dot is stripped above, so a dot
        // still there ("a.ĭ..", or "a.ĭ.。") is an empty label, refused as the ASCII path refuses it; kept, it would
        // make a domainpart that normalises differently the second time (a fuzzing finding).
        if (unicode.Length == 0 || unicode[0] == '.' || unicode[^1] == '.' || unicode.Contains("..", StringComparison.Ordinal))
        {
            error = "domainpart has an empty label";
            return false;
        }

        // Fullwidth digits and dots map to an IPv4 address, which is then that address, spelt as such.
        if (IpLiteral.IsIPv4Address(unicode))
        {
            result = unicode;
            error = null;
            return true;
        }

        return CheckNotNumeric(unicode, out error) && CheckLength(unicode.ToLowerInvariant(), "domainpart", out result, out error);
    }

    /// <summary>
    /// Whether a localpart takes the ASCII fast path: text whose UsernameCaseMapped form is itself lower-cased, with
    /// nothing the general path would refuse but its length. Recognised in one vectorised search.
    /// </summary>
    /// <remarks>
    /// Printable ASCII (U+0021–U+007E) without RFC 7622's <c>" &amp; ' / : &lt; &gt; @</c>. On such text the general
    /// path's raw-text check passes (no control, no surrogate); UsernameCaseMapped's width mapping and NFC leave ASCII as
    /// it is, its toLowerCase is ASCII lower-casing, the bidi rule holds (no ASCII code point is R, AL or AN), every code
    /// point is PVALID in IdentifierClass (in ASCII only the controls and the space are not), the second pass maps
    /// nothing and none of the exclusions is left. What remains are the checks of the length before and after
    /// preparation, which the fast path makes with the same code. <c>Jids/JidFastPathTests</c> compares the two paths on
    /// every ASCII character in every part, every short string of JID characters and random ASCII addresses.
    /// </remarks>
    private static bool IsPlainAsciiLocalpart(ReadOnlySpan<char> local) => !local.IsEmpty && !local.ContainsAnyExcept(PlainLocalpartCharacters);

    /// <summary>Whether a resourcepart takes the ASCII fast path: printable ASCII and the space, which the general path keeps as they are.</summary>
    /// <remarks>
    /// U+0020–U+007E: OpaqueString maps only non-ASCII spaces, NFC leaves ASCII as it is and every such code point is
    /// PVALID in FreeformClass (in ASCII only the controls are not), so only the length checks can refuse it.
    /// </remarks>
    private static bool IsPlainAsciiResourcepart(ReadOnlySpan<char> resource) => !resource.IsEmpty && !resource.ContainsAnyExceptInRange(' ', '~');

    /// <summary>
    /// Whether a domainpart (its final dot dropped, not empty) takes the ASCII fast path: an all-LDH host name that is
    /// neither an A-label nor numeric, which the general path only lower-cases and measures. Recognised in one
    /// vectorised search and one walk over its labels.
    /// </summary>
    /// <remarks>
    /// Letters, digits, '-' and '.', every label non-empty and without a misplaced hyphen (so no A-label: "xn--" has
    /// hyphens in the third and fourth positions), and a last label that is not all digits (so no IPv4 address, and
    /// not the numeric name the general path refuses). On such a name the general path finds no control, no '[', no
    /// IPv4 address, no character outside host names and only ASCII; over <see cref="MaxPartBytes"/> characters it
    /// refuses the length, which the fast path does with the same message; within them, no A-label sends it to its
    /// ASCII host-name branch, whose checks all pass, and it returns the name lower-cased.
    /// </remarks>
    private static bool IsPlainAsciiHostName(ReadOnlySpan<char> domain)
    {
        if (domain.ContainsAnyExcept(HostNameCharactersAndDot) || IpLiteral.EndsInNumericLabel(domain))
        {
            return false;
        }

        for (var rest = domain; ;)
        {
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.IsEmpty || HasMisplacedHyphen(label))
            {
                return false;
            }

            if (dot < 0)
            {
                return true;
            }

            rest = rest[(dot + 1)..];
        }
    }

    /// <summary>UTS #46 CheckHyphens on a non-empty label: a hyphen first, last, or in both the third and fourth positions.</summary>
    private static bool HasMisplacedHyphen(ReadOnlySpan<char> label) =>
        label[0] == '-' || label[^1] == '-' || (label.Length >= 4 && label[2] == '-' && label[3] == '-');

    /// <summary>ASCII text lower-cased into a new string: what <see cref="string.ToLowerInvariant()"/> gives for ASCII, without the copy before it.</summary>
    private static string ToLowerAscii(ReadOnlySpan<char> text) =>
        string.Create(text.Length, text, static (destination, source) => Ascii.ToLower(source, destination, out _));

    private static bool HasALabel(ReadOnlySpan<char> domain)
    {
        foreach (var range in domain.Split('.'))
        {
            if (domain[range].StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The checks UTS #46 with STD3 rules makes on an ASCII label that is not an A-label: letters, digits and hyphens
    /// only, no hyphen first or last, none in both the third and fourth positions, no empty label.
    /// </summary>
    private static bool CheckAsciiHostName(ReadOnlySpan<char> domain, [NotNullWhen(false)] out string? error)
    {
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty)
            {
                error = "domainpart has an empty label";
                return false;
            }

            var invalid = label.IndexOfAnyExcept(HostNameCharacters);
            if (invalid >= 0)
            {
                error = "domainpart contains disallowed character " + Describe(label[invalid]) + " (STD3 host names hold letters, digits and '-')";
                return false;
            }

            if (HasMisplacedHyphen(label))
            {
                error = "domainpart has a label with a misplaced hyphen (UTS #46 CheckHyphens)";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Refuses a host name whose last label is all digits: it is no host name, and not an IPv4 address either.</summary>
    private static bool CheckNotNumeric(ReadOnlySpan<char> name, [NotNullWhen(false)] out string? error)
    {
        if (IpLiteral.EndsInNumericLabel(name))
        {
            error = "domainpart ends in an all-numeric label but is not an IPv4 address (four decimal octets 0-255 without leading zeros)";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Describes a character for an error message: <c>U+003C '&lt;'</c>.</summary>
    internal static string Describe(char c) => Describe(new Rune(char.IsSurrogate(c) ? '\uFFFD' : c), c);

    /// <summary>Describes a code point for an error message: <c>U+003C '&lt;'</c>, without printing controls.</summary>
    internal static string Describe(Rune rune) => Describe(rune, null);

    private static string Describe(Rune rune, char? raw)
    {
        var code = raw is { } c && char.IsSurrogate(c) ? (int)c : rune.Value;
        var printable = raw is not { } s || !char.IsSurrogate(s);
        printable &= !Rune.IsControl(rune) && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator or UnicodeCategory.OtherNotAssigned);
        return printable
            ? string.Create(CultureInfo.InvariantCulture, $"U+{code:X4} '{rune}'")
            : string.Create(CultureInfo.InvariantCulture, $"U+{code:X4}");
    }

    /// <summary>Checks what no part may hold whatever its profile: unpaired surrogates and control characters.</summary>
    private static bool CheckRawText(ReadOnlySpan<char> text, string partName, [NotNullWhen(false)] out string? error)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                error = partName + " contains an unpaired surrogate " + Describe(c);
                return false;
            }

            // Controls are refused by every PRECIS class and by IDNA; naming them here keeps them out of any message
            // that would otherwise quote the raw text.
            if (char.IsControl(c))
            {
                error = partName + " contains disallowed character " + Describe(c) + " (control character)";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>Refuses, before any PRECIS work, a part too long to be prepared into <see cref="MaxPartBytes"/> bytes.</summary>
    /// <remarks>Called after <see cref="CheckRawText"/>, so every surrogate is paired.</remarks>
    private static bool CheckPreparable(ReadOnlySpan<char> text, string partName, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (text.Length <= MaxPreparableCodePoints)
        {
            return true;
        }

        var codePoints = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                codePoints--;
            }
        }

        if (codePoints <= MaxPreparableCodePoints)
        {
            return true;
        }

        error = string.Create(CultureInfo.InvariantCulture, $"{partName} is too long: {codePoints} code points make more than {MaxPartBytes} bytes however they are prepared; at most {MaxPartBytes} bytes allowed");
        return false;
    }

    /// <summary>
    /// Refuses, before IDNA, an internationalised domainpart that IDNA could only refuse: one with more than
    /// <see cref="MaxIdnCodePoints"/> code points that UTS #46 does not delete, or a run of more than
    /// <see cref="MaxIdnMarkRun"/> combining marks. Linear, and it keeps the work IDNA does on what is left linear too.
    /// </summary>
    private static bool CheckIdnBounds(ReadOnlySpan<char> domain, [NotNullWhen(false)] out string? error)
    {
        var kept = 0;
        var run = 0;
        var longestRun = 0;
        for (var i = 0; i < domain.Length; i++)
        {
            int codePoint = domain[i];
            if (char.IsHighSurrogate(domain[i]) && i + 1 < domain.Length && char.IsLowSurrogate(domain[i + 1]))
            {
                codePoint = char.ConvertToUtf32(domain[i], domain[i + 1]);
                i++;
            }

            if (UnicodeTables.IsDefaultIgnorable(codePoint))
            {
                continue; // deleted by UTS #46 (or refused): neither counts nor separates marks
            }

            kept++;
            run = UnicodeTables.StartsWithNonStarter(codePoint) ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }

        if (kept > MaxIdnCodePoints)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"domainpart is too long for an internationalized domain name: {kept} code points make more than {MaxAceLength} characters in ASCII form");
            return false;
        }

        if (longestRun > MaxIdnMarkRun)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"domainpart holds a run of {longestRun} combining marks; a label of an internationalized domain name cannot hold more than {MaxIdnMarkRun}");
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>The refusal of a part longer than <see cref="MaxPartBytes"/>, before or after preparation.</summary>
    private static string TooManyBytes(string partName, int bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{partName} is {bytes} bytes; at most {MaxPartBytes} allowed");

    private static bool CheckLength(string value, string partName, [NotNullWhen(true)] out string? result, [NotNullWhen(false)] out string? error)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxPartBytes)
        {
            result = null;
            error = TooManyBytes(partName, bytes);
            return false;
        }

        if (bytes == 0)
        {
            result = null;
            error = partName + " is empty";
            return false;
        }

        result = value;
        error = null;
        return true;
    }
}
