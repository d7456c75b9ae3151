using System.Security.Cryptography;
using System.Text.Json;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>Wycheproof HMAC-SHA256 (C2SP/wycheproof, Apache-2.0) against the MAC primitive every token goes through.</summary>
public class TokenMacTests
{
    public static TheoryData<int> CaseIds => new(Cases().Select(c => c.Id));

    [Fact]
    public void Vectors_AllCasesPresent() => Cases().Should().HaveCount(174);

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Verify_WycheproofCase_MatchesExpectedResult(int id)
    {
        var c = Cases().Single(x => x.Id == id);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, c.Key);

        var verified = Verify(hmac, c.Message, c.Tag, c.TagSize / 8);

        verified.Should().Be(c.Valid, $"tcId {c.Id}: {c.Comment}");
    }

    [Fact]
    public void Verify_TagOfOtherLengthThanExpected_IsRefused()
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, new byte[32]);
        hmac.AppendData("m"u8);
        var full = hmac.GetHashAndReset();

        Verify(hmac, "m"u8, full.AsSpan(0, 16), 16).Should().BeTrue();
        Verify(hmac, "m"u8, full.AsSpan(0, 15), 16).Should().BeFalse("a shortened tag never verifies");
        Verify(hmac, "m"u8, full.AsSpan(0, 17), 16).Should().BeFalse("a lengthened tag never verifies");
        Verify(hmac, "m"u8, full, 16).Should().BeFalse("the full tag is not the truncated tag");
    }

    /// <summary>
    /// Verifies a presented tag of exactly <paramref name="tagLength"/> bytes the way tokens are verified: the MAC
    /// primitive's truncated output, compared in fixed time; any other length is refused.
    /// </summary>
    private static bool Verify(IncrementalHash hmac, ReadOnlySpan<byte> message, ReadOnlySpan<byte> presented, int tagLength)
    {
        if (tagLength is < 1 or > TokenMac.FullSize || presented.Length != tagLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[TokenMac.FullSize];
        hmac.AppendData(message);
        TokenMac.Finish(hmac, expected[..tagLength]);
        return CryptographicOperations.FixedTimeEquals(expected[..tagLength], presented);
    }

    private static List<MacCase> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "wycheproof", "hmac_sha256_test.json")));
        var list = new List<MacCase>();
        foreach (var group in doc.RootElement.GetProperty("testGroups").EnumerateArray())
        {
            var tagSize = group.GetProperty("tagSize").GetInt32();
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                list.Add(new MacCase(
                    test.GetProperty("tcId").GetInt32(),
                    test.GetProperty("comment").GetString() ?? string.Empty,
                    Convert.FromHexString(test.GetProperty("key").GetString()!),
                    Convert.FromHexString(test.GetProperty("msg").GetString()!),
                    Convert.FromHexString(test.GetProperty("tag").GetString()!),
                    tagSize,
                    test.GetProperty("result").GetString() == "valid"));
            }
        }

        return list;
    }

    private sealed record MacCase(int Id, string Comment, byte[] Key, byte[] Message, byte[] Tag, int TagSize, bool Valid);
}
