namespace Mix.Invitations.Jids.Precis;

/// <summary>The "Bidi Rule" of RFC 5893 §2, as RFC 8265 applies it: only to strings holding right-to-left code points.</summary>
internal static class BidiRule
{
    /// <summary>Returns <see langword="true"/> when the string has no RTL code point or satisfies all six conditions.</summary>
    internal static bool IsSatisfied(string text)
    {
        var rtl = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (UnicodeTables.GetBidiClass(rune.Value) is BidiClass.R or BidiClass.AL or BidiClass.AN)
            {
                rtl = true;
                break;
            }
        }

        if (!rtl)
        {
            return true;
        }

        var first = true;
        var rtlLabel = false;
        var hasEn = false;
        var hasAn = false;
        var lastNonNsm = BidiClass.Other;
        foreach (var rune in text.EnumerateRunes())
        {
            var bidi = UnicodeTables.GetBidiClass(rune.Value);
            if (first)
            {
                // Condition 1: the first character has class L, R or AL; R and AL make an RTL label.
                if (bidi is not (BidiClass.L or BidiClass.R or BidiClass.AL))
                {
                    return false;
                }

                rtlLabel = bidi != BidiClass.L;
                first = false;
            }

            if (rtlLabel)
            {
                // Condition 2: only R, AL, AN, EN, ES, CS, ET, ON, BN and NSM in an RTL label.
                if (bidi is not (BidiClass.R or BidiClass.AL or BidiClass.AN or BidiClass.EN or BidiClass.ES or BidiClass.CS or BidiClass.ET or BidiClass.ON or BidiClass.BN or BidiClass.NSM))
                {
                    return false;
                }

                hasEn |= bidi == BidiClass.EN;
                hasAn |= bidi == BidiClass.AN;
            }
            else if (bidi is not (BidiClass.L or BidiClass.EN or BidiClass.ES or BidiClass.CS or BidiClass.ET or BidiClass.ON or BidiClass.BN or BidiClass.NSM))
            {
                // Condition 5: only L, EN, ES, CS, ET, ON, BN and NSM in an LTR label.
                return false;
            }

            if (bidi != BidiClass.NSM)
            {
                lastNonNsm = bidi;
            }
        }

        // Conditions 3 and 6: the end (ignoring trailing NSM); condition 4: EN and AN never together in an RTL label.
        return rtlLabel
            ? lastNonNsm is BidiClass.R or BidiClass.AL or BidiClass.EN or BidiClass.AN && !(hasEn && hasAn)
            : lastNonNsm is BidiClass.L or BidiClass.EN;
    }
}
