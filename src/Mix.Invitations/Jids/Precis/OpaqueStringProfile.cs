using System.Diagnostics.CodeAnalysis;
using System.Globalization;
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
    internal static string MapSpaces(string input)
    {
        if (Ascii.IsValid(input))
        {
            return input;
        }

        var builder = new StringBuilder(input.Length);
        foreach (var rune in input.EnumerateRunes())
        {
            if (rune.Value != ' ' && Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator)
            {
                builder.Append(' ');
            }
            else
            {
                AppendRune(builder, rune);
            }
        }

        return builder.ToString();
    }
}
