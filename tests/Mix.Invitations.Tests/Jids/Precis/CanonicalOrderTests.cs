using System.Text;
using Mix.Invitations.Jids.Precis;

namespace Mix.Invitations.Tests.Jids.Precis;

/// <summary>
/// <see cref="CanonicalOrder"/> sorts runs of combining marks before the platform's normaliser sees them (issue 14):
/// it must give the normaliser an equivalent string, and its combining classes must be the normaliser's.
/// </summary>
public class CanonicalOrderTests
{
    /// <summary>Every code point the generated tables give a nonzero combining class.</summary>
    private static readonly int[] NonStarters = Enumerable.Range(0x300, 0x110000 - 0x300)
        .Where(cp => cp is < 0xD800 or > 0xDFFF && UnicodeTables.GetCombiningClass(cp) != 0)
        .ToArray();

    [Fact]
    public void CombiningClasses_OrderMarksAsThePlatformNormaliserDoes()
    {
        // One mark of each class present, as a probe: the normaliser moves the probe in front of a mark exactly when the
        // mark's class is greater. Comparing every non-starter with every class pins each class to the normaliser's.
        NonStarters.Length.Should().BeGreaterThan(800);
        var probes = NonStarters.Where(cp => UnicodeTables.NonStarterDecomposition(cp) is null).GroupBy(UnicodeTables.GetCombiningClass).Select(g => g.First()).ToArray();
        var disagreements = new List<string>();
        foreach (var mark in NonStarters.Where(cp => UnicodeTables.NonStarterDecomposition(cp) is null))
        {
            foreach (var probe in probes)
            {
                var text = "a" + char.ConvertFromUtf32(mark) + char.ConvertFromUtf32(probe);
                var normaliserSwaps = text.Normalize(NormalizationForm.FormD).EndsWith(char.ConvertFromUtf32(mark), StringComparison.Ordinal) && mark != probe;
                var tableSwaps = UnicodeTables.GetCombiningClass(mark) > UnicodeTables.GetCombiningClass(probe);
                if (normaliserSwaps != tableSwaps)
                {
                    disagreements.Add($"U+{mark:X4} / U+{probe:X4}");
                }
            }
        }

        disagreements.Should().BeEmpty();
    }

    [Fact]
    public void NonStarterDecompositions_AreThePlatformsCanonicalDecompositions()
    {
        foreach (var cp in Enumerable.Range(0x300, 0x110000 - 0x300).Where(cp => cp is < 0xD800 or > 0xDFFF))
        {
            if (UnicodeTables.NonStarterDecomposition(cp) is { } decomposition)
            {
                char.ConvertFromUtf32(cp).Normalize(NormalizationForm.FormD).Should().Be(decomposition, $"U+{cp:X4}");
            }
        }
    }

    [Fact]
    public void NonStarterDecompositions_AreTheSevenThatIsOrderedLooksFor()
    {
        // CanonicalOrder.IsOrdered asks the table only for U+0340-U+0344, U+0F73, U+0F75 and U+0F81.
        Enumerable.Range(0, 0x110000).Where(cp => UnicodeTables.NonStarterDecomposition(cp) is not null)
            .Should().Equal(0x340, 0x341, 0x343, 0x344, 0xF73, 0xF75, 0xF81);
    }

    [Fact]
    public void Sort_RandomMarkSequences_NormaliseAsTheirInputAndComeOutInOrder()
    {
        var random = new Random(14);
        var starters = new[] { "a", "e", "\u03B1", "\u0915", "\u1100", "\uAC00", "\U0001D15E", "x" };
        var decomposing = new[] { "\u0344", "\u0F73", "\u0F75", "\u0F81", "\u00E9", "\u1F82", "\u0340" };
        for (var i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder();
            var length = random.Next(1, 40);
            for (var j = 0; j < length; j++)
            {
                var pick = random.Next(10);
                builder.Append(pick switch
                {
                    0 => starters[random.Next(starters.Length)],
                    1 => decomposing[random.Next(decomposing.Length)],
                    _ => char.ConvertFromUtf32(NonStarters[random.Next(NonStarters.Length)]),
                });
            }

            var text = builder.ToString();
            var sorted = CanonicalOrder.Sort(text);

            sorted.Normalize(NormalizationForm.FormC).Should().Be(text.Normalize(NormalizationForm.FormC), $"sorting must not change NFC of {Escape(text)}");
            sorted.Normalize(NormalizationForm.FormD).Should().Be(text.Normalize(NormalizationForm.FormD));
            CanonicalOrder.Sort(sorted).Should().BeSameAs(sorted, "a sorted string needs no more work");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("caf\u00E9")]
    [InlineData("a\u0316\u0301")]
    [InlineData("a\u0301\u0301\u0301")]
    public void Sort_TextAlreadyInOrder_IsReturnedAsItIs(string text) => CanonicalOrder.Sort(text).Should().BeSameAs(text);

    [Fact]
    public void Sort_AlternatingClasses_PutsEveryLowerClassFirst()
    {
        var text = "a" + string.Concat(Enumerable.Repeat("\u0301\u0316", 20));

        CanonicalOrder.Sort(text).Should().Be("a" + new string('\u0316', 20) + new string('\u0301', 20));
    }

    private static string Escape(string text) => string.Concat(text.EnumerateRunes().Select(r => $"\\u{r.Value:X4}"));
}
