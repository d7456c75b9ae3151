using System.Buffers.Text;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// <see cref="TokenParts"/> is to replace <see cref="TokenCodec.TryDecode(ReadOnlySpan{char}, Span{byte}, out TokenHeader)"/>'s layout check when issue 19 is wired in:
/// on every token without flag bits 1 and 2 it must give the same answer, so that today's tokens keep validating alike.
/// </summary>
public class TokenPartsTests
{
    [Fact]
    public void TryParse_TokensWithoutGrantsOrRestrictions_AgreesWithTheV1Codec()
    {
        var header = Gen.Select(Gen.Byte[0, 2], Gen.Byte[0, 1], Gen.Byte.Array[2], Gen.UInt, Gen.UInt, Gen.Byte.Array[0, 30])
            .Select((version, flags, ids, issuedAt, expiresAt, rest) =>
            {
                // Biased to the interesting cases: version 1, a sane time window, lengths near 28 and 38.
                byte[] bytes = [version, flags, .. ids, 0, 0, 0, 0, 0, 0, 0, 0, .. rest];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), Math.Min(issuedAt, expiresAt));
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), Math.Max(issuedAt, expiresAt));
                return bytes;
            });

        header.Sample(
            bytes =>
            {
                var v1 = TokenCodec.TryDecode(Base64Url.EncodeToString(bytes), new byte[TokenCodec.MaxTokenBytes + 64], out _);
                var parts = TokenParts.TryParse(bytes, out _);
                return bytes.Length > TokenCodec.MaxTokenBytes || v1 == parts;
            },
            iter: TokenProperties.Cases);
    }

    [Fact]
    public void TryParse_V1AndV4_AreUnrestrictedAndCarryTheirTags()
    {
        foreach (var (token, headerSize) in new[] { ("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g", 12), ("AQEDAWlVuQBpXvOAAAECAwQFBgcAAd82eLHp5Ha1BmlsD8H8hto", 22) })
        {
            var bytes = Base64Url.DecodeFromChars(token);

            TokenParts.TryParse(bytes, out var parts).Should().Be(InvitationFailureReason.None);

            parts.IsRestricted.Should().BeFalse();
            parts.Grants.IsEmpty.Should().BeTrue();
            parts.Header.Length.Should().Be(headerSize);
            parts.Tag.ToArray().Should().Equal(bytes.AsSpan(headerSize).ToArray());
        }
    }
}
