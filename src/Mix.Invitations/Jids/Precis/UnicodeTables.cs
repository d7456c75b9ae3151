namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// Lookups over the generated tables in <c>UnicodeTables.Generated.cs</c>: the Unicode properties PRECIS needs that the
/// BCL does not expose. General_Category, case mappings and normalisation still come from the BCL, whose Unicode version
/// may be newer than <see cref="Version"/>; a code point the BCL knows but these tables do not gets each property's
/// documented default (for Bidi_Class the @missing ranges), which is what a newer table would say for most of them.
/// </summary>
internal static partial class UnicodeTables
{
    internal static bool IsDefaultIgnorable(int codePoint) =>
        (uint)codePoint < 0x10000 ? HasBit(DefaultIgnorableBmp, codePoint) : IsDefaultIgnorableSearched(codePoint);

    /// <summary>Default_Ignorable_Code_Point by binary search of the range table: the reference the BMP bits are built from and checked against.</summary>
    internal static bool IsDefaultIgnorableSearched(int codePoint) => InSet(DefaultIgnorableBounds, codePoint);

    internal static bool IsNoncharacter(int codePoint) => InSet(NoncharacterBounds, codePoint);

    internal static bool IsOldHangulJamo(int codePoint) => InSet(OldHangulJamoBounds, codePoint);

    internal static bool IsVirama(int codePoint) => InSet(ViramaBounds, codePoint);

    internal static bool StartsWithNonStarter(int codePoint) =>
        (uint)codePoint < 0x10000 ? HasBit(StartsWithNonStarterBmp, codePoint) : StartsWithNonStarterSearched(codePoint);

    /// <summary>Whether the code point's decomposition starts with a non-starter, by binary search of the range table: the reference the BMP bits are built from and checked against.</summary>
    internal static bool StartsWithNonStarterSearched(int codePoint) => codePoint >= 0x300 && InSet(StartsWithNonStarterBounds, codePoint);

    internal static bool IsCased(int codePoint) => InSet(CasedBounds, codePoint);

    internal static bool IsCaseIgnorable(int codePoint) => InSet(CaseIgnorableBounds, codePoint);

    internal static BidiClass GetBidiClass(int codePoint) => (BidiClass)BidiClassValues[RunIndex(BidiClassStarts, codePoint)];

    internal static JoiningType GetJoiningType(int codePoint) => (JoiningType)JoiningTypeValues[RunIndex(JoiningTypeStarts, codePoint)];

    internal static PrecisScript GetScript(int codePoint) => (PrecisScript)ScriptValues[RunIndex(ScriptStarts, codePoint)];

    /// <summary>Gets the Canonical_Combining_Class: 0 for starters, which covers everything below U+0300.</summary>
    internal static int GetCombiningClass(int codePoint) => codePoint switch
    {
        < 0x300 => 0,
        < 0x370 => CombiningDiacriticalMarks[codePoint - 0x300],
        _ => CombiningClassValues[RunIndex(CombiningClassStarts, codePoint)],
    };

    /// <summary>The combining classes of the Combining Diacritical Marks block (U+0300-U+036F), the marks most text uses, by direct lookup.</summary>
    private static readonly byte[] CombiningDiacriticalMarks = [.. Enumerable.Range(0x300, 0x70).Select(cp => CombiningClassValues[RunIndex(CombiningClassStarts, cp)])];

    /// <summary>Maps a fullwidth or halfwidth code point to its decomposition (RFC 8265 §3.3.1 width mapping).</summary>
    /// <returns>The mapped code point, or <paramref name="codePoint"/> when it has no &lt;wide&gt;/&lt;narrow&gt; decomposition.</returns>
    internal static int MapWidth(int codePoint)
    {
        var runs = WidthMappingRuns;
        if (codePoint < runs[0])
        {
            return codePoint;
        }

        for (var i = 0; i < runs.Length; i += 3)
        {
            if (codePoint < runs[i])
            {
                break;
            }

            if (codePoint <= runs[i + 1])
            {
                return codePoint + runs[i + 2];
            }
        }

        return codePoint;
    }

    /// <summary>
    /// The two properties checked on every code point of a domainpart before IDNA (<c>JidNormalizer.CheckIdnBounds</c>),
    /// one bit per BMP code point (8 KB each), built once from the range tables: a load instead of a binary search, which
    /// made that check 44 % of the cost of the costliest domainpart (a 16 KiB one of soft hyphens, issue 14's markup
    /// row). Code points above the BMP are searched as before.
    /// </summary>
    private static readonly ulong[] DefaultIgnorableBmp = BmpBits(IsDefaultIgnorableSearched);

    private static readonly ulong[] StartsWithNonStarterBmp = BmpBits(StartsWithNonStarterSearched);

    private static bool HasBit(ulong[] bits, int codePoint) => ((bits[codePoint >> 6] >> (codePoint & 63)) & 1) != 0;

    private static ulong[] BmpBits(Func<int, bool> property)
    {
        var bits = new ulong[0x10000 / 64];
        for (var codePoint = 0; codePoint < 0x10000; codePoint++)
        {
            if (property(codePoint))
            {
                bits[codePoint >> 6] |= 1UL << (codePoint & 63);
            }
        }

        return bits;
    }

    /// <summary>Set membership: the number of boundaries at or below the code point is odd inside the set.</summary>
    private static bool InSet(ReadOnlySpan<int> bounds, int codePoint) => (UpperBound(bounds, codePoint) & 1) == 1;

    private static int RunIndex(ReadOnlySpan<int> starts, int codePoint) => UpperBound(starts, codePoint) - 1;

    /// <summary>Returns the number of entries that are less than or equal to <paramref name="value"/>.</summary>
    private static int UpperBound(ReadOnlySpan<int> sorted, int value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
