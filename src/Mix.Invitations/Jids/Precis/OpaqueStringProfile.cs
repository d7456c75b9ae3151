using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// PRECIS OpaqueString (RFC 8265 §4.2): non-ASCII spaces to U+0020, no width or case mapping, NFC, FreeformClass.
/// </summary>
/// <remarks>
/// RFC 8265 §4.2.2 step 5 gives OpaqueString no directionality rule ("the Bidi Rule ... [is] unnecessary and
/// inapplicable to passwords"), and RFC 7622 §3.4 adds none for resourceparts, so right-to-left text is not checked
/// here; precis_i18n's golden vectors agree (<c>A\u05D0\u05D1</c> is accepted).
/// </remarks>
internal sealed class OpaqueStringProfile : PrecisProfile
{
    /// <summary>General_Category Zs without U+0020.</summary>
    internal const string NonAsciiSpaceCharacters = "\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000";

    private static readonly SearchValues<char> NonAsciiSpaces = SearchValues.Create(NonAsciiSpaceCharacters);

    private protected override bool TryEnforceOnce(string input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error)
    {
        output = null;
        if (!TryNormalizeNfc(MapSpaces(input), out var normalized, out error))
        {
            return false;
        }

        if (normalized.Length == 0)
        {
            error = "is empty";
            return false;
        }

        if (!PrecisStringClass.Freeform.TryValidate(normalized, out error))
        {
            return false;
        }

        output = normalized;
        return true;
    }

    private protected override bool IsMappingFixedPoint(string text) => string.Equals(MapSpaces(text), text, StringComparison.Ordinal);

    /// <summary>RFC 8265 §4.2.3 step 2: every non-ASCII space (General_Category Zs) becomes U+0020.</summary>
    /// <remarks>
    /// The non-ASCII spaces are found with one vectorised search; text without any is returned as it is (the usual case,
    /// and the check that a pass's output is stable). The set is the Zs category of every Unicode version since 6.3,
    /// all in the BMP; a test checks it against the BCL's categories.
    /// </remarks>
    internal static string MapSpaces(string input)
    {
        var first = input.AsSpan().IndexOfAny(NonAsciiSpaces);
        if (first < 0)
        {
            return input;
        }

        return string.Create(input.Length, (input, first), static (span, state) =>
        {
            state.input.AsSpan().CopyTo(span);
            for (var i = state.first; i < span.Length; i++)
            {
                if (NonAsciiSpaces.Contains(span[i]))
                {
                    span[i] = ' ';
                }
            }
        });
    }
}
