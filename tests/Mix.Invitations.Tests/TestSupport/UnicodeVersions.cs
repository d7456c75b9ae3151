using System.Globalization;
using System.Text;
using Mix.Invitations.Jids.Precis;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>The Unicode version a PRECIS result depends on: the older of the BCL's and the generated tables'.</summary>
internal static class UnicodeVersions
{
    /// <summary>
    /// The BCL does not report its Unicode version, so it is probed: each code point here was first assigned in the
    /// version beside it (DerivedAge.txt).
    /// </summary>
    private static readonly (double Version, int CodePoint)[] Probes =
    [
        (16.0, 0x1C89), // CYRILLIC CAPITAL LETTER TJE
        (15.1, 0x2FFC), // IDEOGRAPHIC DESCRIPTION CHARACTER SURROUND FROM RIGHT
        (15.0, 0x11F00), // KAWI SIGN CANDRABINDU
        (14.0, 0x0870), // ARABIC LETTER ALEF WITH ATTACHED FATHA
        (13.0, 0x08BE), // ARABIC LETTER PEH WITH SMALL V
    ];

    internal static double Bcl { get; } = ProbeBcl();

    internal static double Tables { get; } = double.Parse(UnicodeTables.Version.AsSpan(0, UnicodeTables.Version.LastIndexOf('.')), CultureInfo.InvariantCulture);

    internal static double Effective => Math.Min(Bcl, Tables);

    private static double ProbeBcl()
    {
        foreach (var (version, codePoint) in Probes)
        {
            if (Rune.GetUnicodeCategory(new Rune(codePoint)) != UnicodeCategory.OtherNotAssigned)
            {
                return version;
            }
        }

        return 12.0;
    }
}
