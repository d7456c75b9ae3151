using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// The PRECIS string classes (RFC 8264 §4): each code point's derived property (RFC 8264 §8, in its order) and the
/// contextual rules of RFC 5892 Appendix A for the code points whose property is CONTEXTJ or CONTEXTO.
/// </summary>
internal sealed class PrecisStringClass
{
    private const int ZeroWidthNonJoiner = 0x200C;
    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>HasCompat answers for the BMP: two bits per code point, 0 unknown, 1 no, 2 yes.</summary>
    private static readonly byte[] CompatibilityCache = new byte[0x10000 / 4];

    /// <summary>
    /// BMP code points found PVALID: two bits per code point, 1 for IdentifierClass, 2 for FreeformClass (16 KiB in
    /// all). Only PVALID is remembered: CONTEXTJ and CONTEXTO depend on the text around them, and anything else ends
    /// the validation. Races are benign as for <see cref="CompatibilityCache"/>.
    /// </summary>
    private static readonly byte[] ValidCache = new byte[0x10000 / 4];

    private readonly bool _freeform;

    private PrecisStringClass(bool freeform) => _freeform = freeform;

    /// <summary>Gets the IdentifierClass (RFC 8264 §4.2).</summary>
    internal static PrecisStringClass Identifier { get; } = new(freeform: false);

    /// <summary>Gets the FreeformClass (RFC 8264 §4.3).</summary>
    internal static PrecisStringClass Freeform { get; } = new(freeform: true);

    private enum Property
    {
        Valid,
        ContextJ,
        ContextO,
        Disallowed,
        Unassigned,
    }

    /// <summary>Checks every code point of <paramref name="text"/>, which has already been mapped and normalised.</summary>
    internal bool TryValidate(string text, [NotNullWhen(false)] out string? error)
    {
        if (Ascii.IsValid(text))
        {
            // Fast path: in ASCII only the controls, and for IdentifierClass the space, are not PVALID.
            foreach (var c in text)
            {
                if (c < 0x20 || c == 0x7F || (c == ' ' && !_freeform))
                {
                    error = "contains disallowed character " + JidNormalizer.Describe(c) + (c == ' ' ? " (space)" : " (control character)");
                    return false;
                }
            }

            error = null;
            return true;
        }

        var index = 0;
        var facts = default(StringFacts);
        var validBit = _freeform ? 2 : 1;
        foreach (var rune in text.EnumerateRunes())
        {
            // PVALID code points of the BMP are remembered (one bit per class): long text of a few distinct
            // characters costs a lookup per character instead of a derivation.
            var cp = rune.Value;
            if (cp < 0x10000 && ((ValidCache[cp >> 2] >> ((cp & 3) * 2)) & validBit) != 0)
            {
                index += 1;
                continue;
            }

            var property = GetProperty(rune, out var reason);
            switch (property)
            {
                case Property.Valid:
                    if (cp < 0x10000)
                    {
                        ref var slot = ref ValidCache[cp >> 2];
                        slot = (byte)(slot | (validBit << ((cp & 3) * 2)));
                    }

                    break;
                case Property.ContextJ:
                case Property.ContextO:
                    if (!ContextRuleHolds(text, index, rune, ref facts))
                    {
                        error = "contains " + JidNormalizer.Describe(rune) + " where its contextual rule (RFC 5892 Appendix A) does not allow it";
                        return false;
                    }

                    break;
                case Property.Unassigned:
                    error = "contains unassigned code point " + JidNormalizer.Describe(rune);
                    return false;
                default:
                    error = "contains disallowed character " + JidNormalizer.Describe(rune) + " (" + reason + ")";
                    return false;
            }

            index += rune.Utf16SequenceLength;
        }

        error = null;
        return true;
    }

    /// <summary>RFC 8264 §8: the first rule that matches decides.</summary>
    private Property GetProperty(Rune rune, out string reason)
    {
        var cp = rune.Value;
        reason = string.Empty;

        // Exceptions (RFC 5892 §2.6 / RFC 8264 §9.6).
        switch (cp)
        {
            case 0x00DF or 0x03C2 or 0x06FD or 0x06FE or 0x0F0B or 0x3007:
                return Property.Valid;
            case 0x00B7 or 0x0375 or 0x05F3 or 0x05F4 or 0x30FB or (>= 0x0660 and <= 0x0669) or (>= 0x06F0 and <= 0x06F9):
                return Property.ContextO;
            case 0x0640 or 0x07FA or 0x302E or 0x302F or (>= 0x3031 and <= 0x3035) or 0x303B:
                reason = "exception in RFC 5892 §2.6";
                return Property.Disallowed;
        }

        // BackwardCompatible (RFC 8264 §9.7) is empty.
        var category = Rune.GetUnicodeCategory(rune);
        if (category == UnicodeCategory.OtherNotAssigned && !UnicodeTables.IsNoncharacter(cp))
        {
            return Property.Unassigned;
        }

        if (cp is >= 0x21 and <= 0x7E)
        {
            return Property.Valid;
        }

        if (cp is ZeroWidthNonJoiner or ZeroWidthJoiner)
        {
            return Property.ContextJ;
        }

        if (UnicodeTables.IsOldHangulJamo(cp))
        {
            reason = "old Hangul jamo";
            return Property.Disallowed;
        }

        if (UnicodeTables.IsDefaultIgnorable(cp) || UnicodeTables.IsNoncharacter(cp))
        {
            reason = "default-ignorable or noncharacter code point";
            return Property.Disallowed;
        }

        if (category == UnicodeCategory.Control)
        {
            reason = "control character";
            return Property.Disallowed;
        }

        if (HasCompatibilityMapping(rune))
        {
            reason = "compatibility character; its NFKC form differs";
            return _freeform ? Property.Valid : Property.Disallowed;
        }

        switch (category)
        {
            case UnicodeCategory.LowercaseLetter or UnicodeCategory.UppercaseLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ModifierLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark:
                return Property.Valid;
            case UnicodeCategory.TitlecaseLetter or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.EnclosingMark:
                reason = "letter or digit not allowed in identifiers";
                return _freeform ? Property.Valid : Property.Disallowed;
            case UnicodeCategory.SpaceSeparator:
                reason = "space";
                return _freeform ? Property.Valid : Property.Disallowed;
            case UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol:
                reason = "symbol not allowed in identifiers";
                return _freeform ? Property.Valid : Property.Disallowed;
            case UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation:
                reason = "punctuation not allowed in identifiers";
                return _freeform ? Property.Valid : Property.Disallowed;
            default:
                reason = "not allowed in any PRECIS string class";
                return Property.Disallowed;
        }
    }

    /// <summary>RFC 8264 §9.11 HasCompat: toNFKC(cp) != cp.</summary>
    /// <remarks>
    /// The answer comes from the platform's normaliser, one string per code point; for the Basic Multilingual Plane it
    /// is kept (two bits per code point, 16 KiB in all), so long non-ASCII text costs a lookup per character. Races are
    /// benign: a lost write leaves a code point unknown, and it is asked again.
    /// </remarks>
    private static bool HasCompatibilityMapping(Rune rune)
    {
        var cp = rune.Value;
        if (cp < 0x10000)
        {
            var known = (CompatibilityCache[cp >> 2] >> ((cp & 3) * 2)) & 3;
            if (known != 0)
            {
                return known == 2;
            }
        }

        bool result;
        var text = rune.ToString();
        try
        {
            result = !string.Equals(text.Normalize(NormalizationForm.FormKC), text, StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            result = true;
        }

        if (cp < 0x10000)
        {
            ref var slot = ref CompatibilityCache[cp >> 2];
            slot = (byte)(slot | ((result ? 2 : 1) << ((cp & 3) * 2)));
        }

        return result;
    }

    /// <summary>The contextual rules of RFC 5892 Appendix A.</summary>
    /// <remarks>
    /// A.7, A.8 and A.9 ask about the whole string; <paramref name="facts"/> answers them from one scan made the first
    /// time one is asked, so a string of n such code points costs n, not n² (issue 14: 16 200 KATAKANA MIDDLE DOTs and
    /// a Han character took 2.5 s).
    /// </remarks>
    private static bool ContextRuleHolds(string text, int index, Rune rune, ref StringFacts facts)
    {
        var before = Before(text, index);
        var after = After(text, index + rune.Utf16SequenceLength);
        switch (rune.Value)
        {
            case ZeroWidthNonJoiner:
                // A.1: after a virama, or inside a joining context (Joining_Type {L,D} T* ZWNJ T* {R,D}).
                return (before >= 0 && UnicodeTables.IsVirama(before)) || JoinsAroundNonJoiner(text, index, rune.Utf16SequenceLength);
            case ZeroWidthJoiner:
                // A.2: only after a virama.
                return before >= 0 && UnicodeTables.IsVirama(before);
            case 0x00B7:
                // A.3 MIDDLE DOT: between two 'l' (Catalan "l·l").
                return before == 'l' && after == 'l';
            case 0x0375:
                // A.4 GREEK LOWER NUMERAL SIGN (KERAIA): followed by a Greek character.
                return after >= 0 && UnicodeTables.GetScript(after) == PrecisScript.Greek;
            case 0x05F3 or 0x05F4:
                // A.5 and A.6 HEBREW GERESH and GERSHAYIM: preceded by a Hebrew character.
                return before >= 0 && UnicodeTables.GetScript(before) == PrecisScript.Hebrew;
            case 0x30FB:
                // A.7 KATAKANA MIDDLE DOT: the string holds a Hiragana, Katakana or Han character.
                return facts.Of(text).HasJapanese;
            case >= 0x0660 and <= 0x0669:
                // A.8 ARABIC-INDIC DIGITS: not mixed with EXTENDED ARABIC-INDIC DIGITS.
                return !facts.Of(text).HasExtendedArabicIndicDigit;
            case >= 0x06F0 and <= 0x06F9:
                // A.9 EXTENDED ARABIC-INDIC DIGITS: not mixed with ARABIC-INDIC DIGITS.
                return !facts.Of(text).HasArabicIndicDigit;
            default:
                return false;
        }
    }

    private static bool JoinsAroundNonJoiner(string text, int index, int length)
    {
        var left = false;
        for (var i = index; i > 0;)
        {
            Rune.DecodeLastFromUtf16(text.AsSpan(0, i), out var r, out var consumed);
            i -= consumed;
            var type = UnicodeTables.GetJoiningType(r.Value);
            if (type != JoiningType.T)
            {
                left = type is JoiningType.L or JoiningType.D;
                break;
            }
        }

        if (!left)
        {
            return false;
        }

        for (var i = index + length; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out var consumed);
            i += consumed;
            var type = UnicodeTables.GetJoiningType(r.Value);
            if (type != JoiningType.T)
            {
                return type is JoiningType.R or JoiningType.D;
            }
        }

        return false;
    }

    private static int Before(string text, int index)
    {
        if (index == 0)
        {
            return -1;
        }

        Rune.DecodeLastFromUtf16(text.AsSpan(0, index), out var rune, out _);
        return rune.Value;
    }

    private static int After(string text, int index)
    {
        if (index >= text.Length)
        {
            return -1;
        }

        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out _);
        return rune.Value;
    }

    /// <summary>What the whole-string rules (A.7, A.8, A.9) ask, found in one scan when first asked.</summary>
    private struct StringFacts
    {
        private bool _known;

        public bool HasJapanese { get; private set; }

        public bool HasArabicIndicDigit { get; private set; }

        public bool HasExtendedArabicIndicDigit { get; private set; }

        public StringFacts Of(string text)
        {
            if (!_known)
            {
                foreach (var rune in text.EnumerateRunes())
                {
                    var value = rune.Value;
                    HasArabicIndicDigit |= value is >= 0x0660 and <= 0x0669;
                    HasExtendedArabicIndicDigit |= value is >= 0x06F0 and <= 0x06F9;
                    HasJapanese |= UnicodeTables.GetScript(value) is PrecisScript.Hiragana or PrecisScript.Katakana or PrecisScript.Han;
                }

                _known = true;
            }

            return this;
        }
    }
}
