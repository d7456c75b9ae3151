using System.Globalization;
using System.Text.Json;
using Mix.Invitations.Jids.Precis;
using Mix.Invitations.Tests.TestSupport;

namespace Mix.Invitations.Tests.Jids.Precis;

/// <summary>
/// The precis_i18n golden file (byllyfish/precis_i18n test/golden.json, MIT; see Vectors/README.md), every
/// UsernameCaseMapped and OpaqueString entry. Accept/reject and the output are compared, not the error wording.
/// </summary>
public class PrecisProfilesTests
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> Golden = new(LoadGolden);

    public static TheoryData<string> UsernameCaseMappedVectors => IdsOf("UsernameCaseMapped");

    public static TheoryData<string> OpaqueStringVectors => IdsOf("OpaqueString");

    [Theory]
    [MemberData(nameof(UsernameCaseMappedVectors))]
    public void UsernameCaseMapped_GoldenVector_MatchesPrecisI18n(string id) => Check(PrecisProfiles.UsernameCaseMapped, id);

    [Theory]
    [MemberData(nameof(OpaqueStringVectors))]
    public void OpaqueString_GoldenVector_MatchesPrecisI18n(string id) => Check(PrecisProfiles.OpaqueString, id);

    [Fact]
    public void UsernameCaseMapped_DottedCapitalI_UsesFullLowercaseMapping()
    {
        // SpecialCasing.txt: U+0130 lowercases to "i\u0307"; .NET's ToLowerInvariant leaves it unchanged.
        PrecisProfiles.UsernameCaseMapped.TryEnforce("i\u0130\u0131I", out var output, out _).Should().BeTrue();

        output.Should().Be("ii\u0307\u0131i");
    }

    [Theory]
    [InlineData("\u03C2", "\u03C2")]
    [InlineData("\u03A3", "\u03C3")]
    [InlineData("\u03A3\u03A3", "\u03C3\u03C2")]
    [InlineData("\u0392\u03CC\u03BB\u03BF\u03A3", "\u03B2\u03CC\u03BB\u03BF\u03C2")]
    public void UsernameCaseMapped_Sigma_FollowsToLowerCaseNotCaseFolding(string input, string expected)
    {
        // RFC 8265 §3.3.3 is toLowerCase (Final_Sigma applies; U+03C2 stays), not RFC 7613's case folding.
        PrecisProfiles.UsernameCaseMapped.TryEnforce(input, out var output, out _).Should().BeTrue();

        output.Should().Be(expected);
    }

    [Theory]
    [InlineData("\uFF2A\uFF55\uFF4C\uFF49\uFF45\uFF54", "juliet")]
    [InlineData("\u212Aevin", "kevin")]
    public void UsernameCaseMapped_WidthAndCompatibilityForms_MapToCanonicalText(string input, string expected)
    {
        PrecisProfiles.UsernameCaseMapped.TryEnforce(input, out var output, out _).Should().BeTrue();

        output.Should().Be(expected);
    }

    [Theory]
    [InlineData("a\u0007b", "contains disallowed character U+0007 (control character)")]
    [InlineData("a b", "contains disallowed character U+0020 (space)")]
    [InlineData("\u05D0\u05D1+", "violates the bidi rule (RFC 5893)")]
    [InlineData("", "is empty")]
    [InlineData("a\u00B7b", "contains U+00B7 '\u00B7' where its contextual rule (RFC 5892 Appendix A) does not allow it")]
    [InlineData("\u2665", "contains disallowed character U+2665 '\u2665' (symbol not allowed in identifiers)")]
    public void UsernameCaseMapped_BadInput_ReportsReason(string input, string expected)
    {
        PrecisProfiles.UsernameCaseMapped.TryEnforce(input, out var output, out var error).Should().BeFalse();

        output.Should().BeNull();
        error.Should().Be(expected);
    }

    [Fact]
    public void OpaqueString_NonAsciiSpace_MapsToAsciiSpace()
    {
        PrecisProfiles.OpaqueString.TryEnforce("a\u3000b\u00A0c", out var output, out _).Should().BeTrue();

        output.Should().Be("a b c");
    }

    private static void Check(PrecisProfile profile, string id)
    {
        var vector = Golden.Value.Single(v => v.Id == id);
        var accepted = profile.TryEnforce(vector.Input, out var output, out var error);
        var expectedAccepted = vector.Output is not null;
        var description = $"{id}: input \"{VectorFiles.Escape(vector.Input)}\" (precis_i18n: {(expectedAccepted ? "\"" + VectorFiles.Escape(vector.Output) + "\"" : vector.Error)}; here: {(accepted ? "\"" + VectorFiles.Escape(output) + "\"" : error)})";

        if (vector.UnicodeVersion is { } needed && needed > UnicodeVersions.Effective)
        {
            // As upstream: with older tables than the vector needs, only check that the result differs.
            (accepted == expectedAccepted && output == vector.Output).Should().BeFalse(description);
            return;
        }

        accepted.Should().Be(expectedAccepted, description);
        output.Should().Be(vector.Output, description);
        if (accepted)
        {
            // RFC 8264 §7: enforcement is idempotent.
            profile.TryEnforce(output, out var again, out _).Should().BeTrue(description);
            again.Should().Be(output, description);
        }
    }

    private static TheoryData<string> IdsOf(string profile)
    {
        var data = new TheoryData<string>();
        foreach (var vector in Golden.Value.Where(v => v.Profile == profile))
        {
            data.Add(vector.Id);
        }

        return data;
    }

    private static List<GoldenVector> LoadGolden()
    {
        using var document = VectorFiles.ReadJson("precis/golden.json");
        var vectors = new List<GoldenVector>();
        var index = 0;
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var profile = entry.GetProperty("profile").GetString()!;
            double? version = entry.TryGetProperty("unicode_version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
            vectors.Add(new GoldenVector(
                string.Create(CultureInfo.InvariantCulture, $"{profile}#{index:D4}"),
                profile,
                entry.GetProperty("input").GetRawString()!,
                entry.GetProperty("output").GetRawString(),
                entry.GetProperty("error").GetRawString(),
                version));
            index++;
        }

        return vectors;
    }

    private sealed record GoldenVector(string Id, string Profile, string Input, string? Output, string? Error, double? UnicodeVersion);
}
