using System.Globalization;
using System.Text;
using Mix.Invitations.Internal;
using Mix.Invitations.Jids.Precis;

namespace Mix.Invitations.Tests.Jids;

/// <summary>
/// Issue 14: JID parts are refused as too long before the expensive work when the prepared form provably cannot fit.
/// These tests check, for every code point, the facts the bounds in <see cref="JidNormalizer"/> rest on, so that an
/// early refusal never refuses an address that full enforcement would accept.
/// </summary>
public class JidLengthBoundTests
{
    private static readonly IReadOnlyList<int> CodePoints = Enumerable.Range(0, 0x110000).Where(cp => cp is < 0xD800 or > 0xDFFF).ToArray();

    [Fact]
    public void EveryCodePoint_DecomposesToAtMostOneAndAHalfCodePointsPerUtf8ByteAndAtMostFour()
    {
        var worstRatio = 0.0;
        var longest = 0;
        foreach (var cp in CodePoints)
        {
            var text = char.ConvertFromUtf32(cp);
            var d = Decomposed(text);
            if (d == int.MaxValue)
            {
                continue;
            }

            worstRatio = Math.Max(worstRatio, (double)d / Encoding.UTF8.GetByteCount(text));
            longest = Math.Max(longest, d);
        }

        worstRatio.Should().BeLessThanOrEqualTo(1.5, "JidNormalizer.MaxPreparableCodePoints assumes at most 1.5 decomposed code points per byte");
        longest.Should().BeLessThanOrEqualTo(4, "JidNormalizer.MaxIdnCodePoints assumes NFC joins at most four code points into one");
    }

    [Fact]
    public void EveryCodePoint_KeepsAtLeastItsDecomposedLengthThroughTheProfilesMappings()
    {
        var shrinking = new List<string>();
        foreach (var cp in CodePoints)
        {
            var text = char.ConvertFromUtf32(cp);
            var before = Decomposed(text);
            foreach (var (name, mapped) in new[]
            {
                ("UsernameCaseMapped", UsernameCaseMappedProfile.MapWidthAndLowercase(text)),
                ("UsernameCaseMapped, after a cased letter", UsernameCaseMappedProfile.MapWidthAndLowercase("a" + text)[1..]),
                ("OpaqueString", OpaqueStringProfile.MapSpaces(text)),
            })
            {
                if (Decomposed(mapped) < before)
                {
                    shrinking.Add($"U+{cp:X4} ({name})");
                }
            }
        }

        shrinking.Should().BeEmpty("JidNormalizer.MaxPreparableCodePoints assumes no mapping lowers the decomposed length");
    }

    [Fact]
    public void IdnMapping_RefusesANameLongerThanTheBoundAssumes()
    {
        var idn = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false };

        FluentActions.Invoking(() => idn.GetAscii(Name(JidNormalizer.MaxAceLength - 1))).Should().NotThrow("253 characters is the longest name");
        FluentActions.Invoking(() => idn.GetAscii(Name(JidNormalizer.MaxAceLength))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => idn.GetAscii(Name(JidNormalizer.MaxAceLength) + ".")).Should().Throw<ArgumentException>();

        static string Name(int length)
        {
            var name = "xn--9ca";
            while (name.Length < length)
            {
                name += "." + new string('a', Math.Min(61, length - name.Length - 1));
            }

            name.Should().HaveLength(length);
            return name;
        }
    }

    [Fact]
    public void Uts46_DeletesOnlyDefaultIgnorableCodePoints_AndMapsMarksToNonAsciiInOneLabel()
    {
        // MaxIdnCodePoints counts every code point that is not default-ignorable; MaxIdnMarkRun counts the marks. Both
        // are sound only if UTS #46 deletes nothing else and maps no mark to ASCII or to a label separator.
        var idn = new IdnMapping { UseStd3AsciiRules = true, AllowUnassigned = false };
        var wrong = new List<string>();
        foreach (var cp in CodePoints)
        {
            if (cp < 0x80 || UnicodeTables.IsDefaultIgnorable(cp) || Rune.GetUnicodeCategory(new Rune(cp)) == UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            string mapped;
            try
            {
                mapped = idn.GetUnicode(idn.GetAscii("1" + char.ConvertFromUtf32(cp) + "1"));
            }
            catch (ArgumentException)
            {
                continue; // refused: any name holding it is refused too
            }

            var middle = mapped[1..^1];
            if (middle.Length == 0 || (UnicodeTables.StartsWithNonStarter(cp) && (Ascii.IsValid(middle) || middle.Contains('.', StringComparison.Ordinal))))
            {
                wrong.Add($"U+{cp:X4} -> '{mapped}'");
            }
        }

        wrong.Should().BeEmpty();
    }

    [Fact]
    public void Localpart_OneCodePointOverTheBound_IsRefusedBeforeEnforcement()
    {
        var error = Refusal(new string('a', JidNormalizer.MaxPreparableCodePoints + 1) + "@example.org");

        error.Should().Be("localpart is too long: 1535 code points make more than 1023 bytes however they are prepared; at most 1023 bytes allowed");
    }

    [Fact]
    public void Localpart_AtTheBound_IsEnforcedAndMeasured()
    {
        // U+01D5 is the densest code point: three code points of NFD in two bytes. 1 534 of them are still enforced
        // (and then refused for their real length); the bound never refuses what could fit.
        Refusal(new string('a', JidNormalizer.MaxPreparableCodePoints) + "@example.org").Should().Be("localpart is 1534 bytes; at most 1023 allowed");
        Jid.Parse(new string('\u01D5', 511) + "@example.org").Local.Should().HaveLength(511);
    }

    [Fact]
    public void Resourcepart_OverTheBound_IsRefusedBeforeEnforcement() =>
        Refusal("cat@example.org/" + new string('\u30FB', 16_200) + "\u6F22").Should().StartWith("resourcepart is too long: 16201 code points");

    [Fact]
    public void Domainpart_TooManyCodePointsForIdna_IsRefusedBeforeIdna()
    {
        Refusal("cat@" + new string('\u00E9', JidNormalizer.MaxIdnCodePoints + 1)).Should().Be("domainpart is too long for an internationalized domain name: 1017 code points make more than 254 characters in ASCII form");

        // Default-ignorable code points are deleted by UTS #46, so they do not count.
        Jid.Parse("cat@caf\u00E9" + new string('\u00AD', 5000) + ".example").Domain.Should().Be("caf\u00E9.example");
    }

    [Fact]
    public void Domainpart_LongRunOfMarks_IsRefusedBeforeIdna()
    {
        Refusal("cat@a" + string.Concat(Enumerable.Repeat("\u0301\u00AD\u0316", 127))).Should().Be("domainpart holds a run of 254 combining marks; a label of an internationalized domain name cannot hold more than 252");
        var shortRun = "a" + string.Concat(Enumerable.Repeat("\u0301\u0316", 10));
        Jid.Parse("cat@" + shortRun).Domain.Should().Be(shortRun.Normalize(NormalizationForm.FormC), "a short run goes through IDNA");
    }

    [Fact]
    public void KatakanaMiddleDot_StillFollowsRfc5892A7()
    {
        Jid.TryParse("\u30FB\u30FB\u6F22@example.org", out _).Should().BeTrue("a Han character makes the dots valid");
        Jid.TryParse("\u30FB\u30FBa@example.org", out _).Should().BeFalse("no Hiragana, Katakana or Han character");
        Jid.TryParse("cat@example.org/\u30A2\u30FB\u30A2", out _).Should().BeTrue();
    }

    [Fact]
    public void ArabicIndicDigits_StillFollowRfc5892A8AndA9()
    {
        Jid.TryParse("\u0628\u0661\u0662@example.org", out _).Should().BeTrue();
        Jid.TryParse("\u0628\u06F1\u06F2@example.org", out _).Should().BeTrue();
        Jid.TryParse("\u0628\u0661\u06F2@example.org", out _).Should().BeFalse("the two kinds of digits are never mixed");
        Jid.TryParse("cat@example.org/\u0628\u06F1\u0661", out _).Should().BeFalse();
    }

    /// <summary>The number of code points of NFD; a string the normaliser refuses (noncharacters) is refused by every part, so it counts as infinitely long.</summary>
    private static int Decomposed(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormD).EnumerateRunes().Count();
        }
        catch (ArgumentException)
        {
            return int.MaxValue;
        }
    }

    private static string Refusal(string address)
    {
        Jid.TryParse(address.AsSpan(), out _, out var error).Should().BeFalse(address.Length > 40 ? address[..40] + "…" : address);
        return error!;
    }
}
