using System.Globalization;
using System.Text;
using Mix.Invitations.Jids.Precis;

namespace Mix.Invitations.Tests.Jids.Precis;

/// <summary>
/// The profiles' mappings, rewritten for speed in issue 14 (one lowercase call per stretch of text, one vectorised
/// search for spaces), give for every code point what the plain code-point-by-code-point definition gives.
/// </summary>
public class MappingTests
{
    private static readonly IReadOnlyList<int> CodePoints = Enumerable.Range(0, 0x110000).Where(cp => cp is < 0xD800 or > 0xDFFF).ToArray();

    [Fact]
    public void BmpBits_EveryCodePoint_AgreeWithTheRangeTables()
    {
        // The per-code-point bits of the BMP (a load instead of a binary search, for CheckIdnBounds) say what the range
        // tables say, at every code point, surrogates included; above the BMP the tables are searched directly.
        var wrong = new List<string>();
        for (var cp = 0; cp < 0x110000; cp++)
        {
            if (UnicodeTables.IsDefaultIgnorable(cp) != UnicodeTables.IsDefaultIgnorableSearched(cp)
                || UnicodeTables.StartsWithNonStarter(cp) != UnicodeTables.StartsWithNonStarterSearched(cp))
            {
                wrong.Add($"U+{cp:X4}");
            }
        }

        wrong.Should().BeEmpty();
        UnicodeTables.IsDefaultIgnorable(0x00AD).Should().BeTrue("SOFT HYPHEN is Default_Ignorable_Code_Point");
        UnicodeTables.IsDefaultIgnorable(0xFFFF).Should().BeFalse();
        UnicodeTables.IsDefaultIgnorable(0xE0001).Should().BeTrue("LANGUAGE TAG, above the BMP, is Default_Ignorable_Code_Point");
        UnicodeTables.IsDefaultIgnorable('a').Should().BeFalse();
        UnicodeTables.StartsWithNonStarter(0x0301).Should().BeTrue("COMBINING ACUTE ACCENT is a non-starter");
        UnicodeTables.StartsWithNonStarter(0x00E9).Should().BeFalse();
        UnicodeTables.StartsWithNonStarter(0x1D165).Should().BeTrue("MUSICAL SYMBOL COMBINING STEM, above the BMP, is a non-starter");
    }

    [Fact]
    public void MapWidthAndLowercase_EveryCodePoint_IsWidthMappingThenRuneToLowerInvariant()
    {
        var wrong = new List<string>();
        foreach (var cp in CodePoints)
        {
            // Between letters, so that the stretches before and after are non-empty and final sigma sees a cased letter.
            var text = "\u00E9" + char.ConvertFromUtf32(cp) + "\u00C9";
            if (UsernameCaseMappedProfile.MapWidthAndLowercase(text) != Reference(text))
            {
                wrong.Add($"U+{cp:X4}");
            }
        }

        wrong.Should().BeEmpty();
    }

    [Theory]
    [InlineData("\u03A3")]
    [InlineData("A\u03A3")]
    [InlineData("A\u03A3B")]
    [InlineData("\u0130\uFF21\u03A3\uD801\uDC00\u03A3")]
    [InlineData("\uFF76\uFF9E\u0130\u03A3 x")]
    public void MapWidthAndLowercase_MixedText_IsTheReference(string text) =>
        UsernameCaseMappedProfile.MapWidthAndLowercase(text).Should().Be(Reference(text));

    [Fact]
    public void NonAsciiSpaces_AreExactlyTheSpaceSeparatorsOfTheBcl()
    {
        var separators = CodePoints.Where(cp => cp != ' ' && Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.SpaceSeparator).Select(cp => (char)cp);

        OpaqueStringProfile.NonAsciiSpaceCharacters.ToCharArray().Should().Equal(separators);
    }

    [Fact]
    public void MapSpaces_TextWithoutNonAsciiSpaces_IsReturnedAsItIs()
    {
        var text = "caf\u00E9 au lait";

        OpaqueStringProfile.MapSpaces(text).Should().BeSameAs(text);
        OpaqueStringProfile.MapSpaces("a\u00A0b\u3000c\u2009").Should().Be("a b c ");
    }

    /// <summary>RFC 8265 §3.3.3 steps 1 and 3 as the definition reads, one code point at a time.</summary>
    private static string Reference(string input)
    {
        if (Ascii.IsValid(input))
        {
            return input.ToLowerInvariant();
        }

        var builder = new StringBuilder();
        var runes = input.EnumerateRunes().ToArray();
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = new Rune(UnicodeTables.MapWidth(runes[i].Value));
            if (rune.Value == 0x03A3)
            {
                var before = runes.Take(i).Reverse().SkipWhile(r => UnicodeTables.IsCaseIgnorable(r.Value)).FirstOrDefault();
                var after = runes.Skip(i + 1).SkipWhile(r => UnicodeTables.IsCaseIgnorable(r.Value)).FirstOrDefault();
                var final = before.Value != 0 && UnicodeTables.IsCased(before.Value) && !(after.Value != 0 && UnicodeTables.IsCased(after.Value));
                builder.Append(final ? '\u03C2' : '\u03C3');
            }
            else if (UnicodeTables.SpecialLowercase(rune.Value) is { } special)
            {
                builder.Append(special);
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return builder.ToString();
    }
}
