using System.Diagnostics.CodeAnalysis;
using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// A PRECIS profile (RFC 8264 §5): the mapping rules of a profile followed by the validation of its string class.
/// Errors are sentence fragments that follow the name of the JID part, e.g. <c>violates the bidi rule (RFC 5893)</c>.
/// </summary>
internal abstract class PrecisProfile
{
    /// <summary>
    /// RFC 8264 §7 requires enforcement to be idempotent; one pass is not always stable (a mapping can produce text that
    /// maps again), so passes repeat until the output stops changing. Real text settles in two; more means a bug or an
    /// adversarial input, and is refused rather than looped on.
    /// </summary>
    private const int MaxPasses = 4;

    /// <summary>Enforces the profile on <paramref name="input"/>.</summary>
    /// <returns><see langword="true"/> with the enforced string, or <see langword="false"/> with an error fragment.</returns>
    internal bool TryEnforce(ReadOnlySpan<char> input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error)
    {
        output = null;
        if (input.IsEmpty)
        {
            error = "is empty";
            return false;
        }

        var invalid = FindUnpairedSurrogate(input);
        if (invalid >= 0)
        {
            error = "contains an unpaired surrogate " + JidNormalizer.Describe(input[invalid]);
            return false;
        }

        // Without ICU, Normalize returns its input unchanged; enforcing a non-ASCII string then would give a value
        // that compares unequal to the same address enforced elsewhere, so it is refused instead. ASCII needs no
        // normalisation, so ASCII addresses keep working.
        if (GlobalizationSupport.IsInvariant && !Ascii.IsValid(input))
        {
            error = "contains non-ASCII characters, but this process runs with invariant globalization, where Unicode normalization is unavailable; non-ASCII JIDs are refused rather than compared unnormalised";
            return false;
        }

        var current = input.ToString();
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            if (!TryEnforceOnce(current, out var next, out error))
            {
                return false;
            }

            if (string.Equals(next, current, StringComparison.Ordinal) && pass > 0)
            {
                output = next;
                return true;
            }

            // The pass after this one would map `next`, normalise it and check it. `next` is already NFC and has passed
            // the checks, so when the mapping leaves it unchanged that pass would give `next` back: it is the stable
            // form, known for the cost of one mapping instead of a whole pass (the same answer; half the work).
            if (pass + 1 < MaxPasses && IsMappingFixedPoint(next))
            {
                output = next;
                return true;
            }

            current = next;
        }

        error = "does not reach a stable form under repeated PRECIS enforcement (RFC 8264 §7)";
        return false;
    }

    /// <summary>Returns <see langword="true"/> when the profile's mapping rules leave <paramref name="text"/> unchanged.</summary>
    private protected abstract bool IsMappingFixedPoint(string text);

    /// <summary>Applies the profile's rules once, in the order RFC 8264 §7 sets.</summary>
    private protected abstract bool TryEnforceOnce(string input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error);

    /// <summary>RFC 8264 §7 step 4 (Normalization Rule): NFC.</summary>
    /// <remarks>
    /// The runs of combining marks are put in canonical order first (<see cref="CanonicalOrder"/>): the result is the
    /// same, but the platform's normaliser sorts an unordered run in quadratic time.
    /// </remarks>
    private protected static bool TryNormalizeNfc(string input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error)
    {
        try
        {
            output = Ascii.IsValid(input) ? input : CanonicalOrder.Sort(input).Normalize(NormalizationForm.FormC);
            error = null;
            return true;
        }
        catch (ArgumentException)
        {
            output = null;
            error = "cannot be normalized to NFC";
            return false;
        }
    }

    /// <summary>Appends a code point without making a string of it.</summary>
    private protected static void AppendRune(StringBuilder builder, Rune rune)
    {
        if (rune.IsBmp)
        {
            builder.Append((char)rune.Value);
        }
        else
        {
            Span<char> pair = stackalloc char[2];
            builder.Append(pair[..rune.EncodeToUtf16(pair)]);
        }
    }

    private static int FindUnpairedSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
