using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// PRECIS UsernameCaseMapped (RFC 8265 §3.3): width mapping, Unicode toLowerCase, NFC, the bidi rule, IdentifierClass.
/// </summary>
/// <remarks>
/// Case mapping is Unicode toLowercase with full mappings (Unicode §3.13), as RFC 8265 §3.3.3 requires, not the case
/// folding of the obsoleted RFC 7613: U+03C2 (final sigma) stays as it is, and U+03A3 becomes U+03C2 where the
/// Final_Sigma condition holds. <see cref="Rune.ToLowerInvariant"/> gives only simple mappings, so the unconditional
/// full mappings (U+0130 → "i\u0307") come from SpecialCasing.txt through the generated tables.
/// </remarks>
internal sealed class UsernameCaseMappedProfile : PrecisProfile
{
    private const int CapitalSigma = 0x03A3;

    private protected override bool TryEnforceOnce(string input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error)
    {
        output = null;
        var mapped = MapWidthAndLowercase(input);
        if (!TryNormalizeNfc(mapped, out var normalized, out error))
        {
            return false;
        }

        if (normalized.Length == 0)
        {
            error = "is empty";
            return false;
        }

        // RFC 8265 §3.3.3 step 5: the bidi rule applies to strings that contain right-to-left code points.
        if (!BidiRule.IsSatisfied(normalized))
        {
            error = "violates the bidi rule (RFC 5893)";
            return false;
        }

        if (!PrecisStringClass.Identifier.TryValidate(normalized, out error))
        {
            return false;
        }

        output = normalized;
        return true;
    }

    private protected override bool IsMappingFixedPoint(string text) => string.Equals(MapWidthAndLowercase(text), text, StringComparison.Ordinal);

    /// <summary>RFC 8265 §3.3.3 steps 1 and 3: fullwidth/halfwidth to their decompositions, then toLowerCase.</summary>
    /// <remarks>
    /// Width mapping, final sigma and the full mappings of SpecialCasing.txt are applied code point by code point; the
    /// simple lowercase mappings of everything else in one call per stretch of text. (<see cref="Rune.ToLowerInvariant"/>
    /// calls into the platform's ICU once per code point, which cost a third of an enforcement; the span form maps the
    /// same code points the same way in one call.)
    /// </remarks>
    internal static string MapWidthAndLowercase(string input)
    {
        if (Ascii.IsValid(input))
        {
            return input.ToLowerInvariant();
        }

        var builder = new StringBuilder(input.Length);
        var pending = ArrayPool<char>.Shared.Rent(input.Length); // width-mapped text waiting for its lowercase mapping
        var lowered = ArrayPool<char>.Shared.Rent(input.Length);
        var count = 0;
        try
        {
            var index = 0;
            foreach (var original in input.EnumerateRunes())
            {
                var rune = new Rune(UnicodeTables.MapWidth(original.Value));
                if (rune.Value == CapitalSigma)
                {
                    Flush(builder, pending, lowered, ref count);
                    builder.Append(IsFinalSigma(input, index, original.Utf16SequenceLength) ? '\u03C2' : '\u03C3');
                }
                else if (UnicodeTables.SpecialLowercase(rune.Value) is { } special)
                {
                    Flush(builder, pending, lowered, ref count);
                    builder.Append(special);
                }
                else
                {
                    // Width mapping stays in the BMP, so the mapped text is never longer than the input.
                    count += rune.EncodeToUtf16(pending.AsSpan(count));
                }

                index += original.Utf16SequenceLength;
            }

            Flush(builder, pending, lowered, ref count);
            return builder.ToString();
        }
        finally
        {
            ArrayPool<char>.Shared.Return(pending);
            ArrayPool<char>.Shared.Return(lowered);
        }

        static void Flush(StringBuilder builder, char[] pending, char[] lowered, ref int count)
        {
            if (count == 0)
            {
                return;
            }

            // Simple case mappings keep the length in UTF-16, so the destination of the same size always suffices.
            var written = pending.AsSpan(0, count).ToLowerInvariant(lowered);
            builder.Append(lowered, 0, written);
            count = 0;
        }
    }

    /// <summary>
    /// Unicode §3.13 Final_Sigma: a cased letter then any case-ignorable code points come before, and no case-ignorable
    /// code points followed by a cased letter come after. The condition is not language-specific, so toLowerCase
    /// applies it.
    /// </summary>
    private static bool IsFinalSigma(string text, int index, int length)
    {
        var before = false;
        for (var i = index; i > 0;)
        {
            Rune.DecodeLastFromUtf16(text.AsSpan(0, i), out var rune, out var consumed);
            i -= consumed;
            if (!UnicodeTables.IsCaseIgnorable(rune.Value))
            {
                before = UnicodeTables.IsCased(rune.Value);
                break;
            }
        }

        if (!before)
        {
            return false;
        }

        for (var i = index + length; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            i += consumed;
            if (!UnicodeTables.IsCaseIgnorable(rune.Value))
            {
                return !UnicodeTables.IsCased(rune.Value);
            }
        }

        return true;
    }
}
