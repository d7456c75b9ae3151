using System.Buffers.Text;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>The grants part of issue 19 (docs/design/grants-and-narrowing.md section 2.1): layout, budgets, strict reading.</summary>
public class GrantsCodecTests
{
    /// <summary>V1's token: a plain header (12 bytes) and its tag.</summary>
    private static readonly byte[] V1 = Base64Url.DecodeFromChars("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g");

    /// <summary>V4's token: a use-limited header (22 bytes) and its tag.</summary>
    private static readonly byte[] V4 = Base64Url.DecodeFromChars("AQEDAWlVuQBpXvOAAAECAwQFBgcAAd82eLHp5Ha1BmlsD8H8hto");

    [Fact]
    public void Write_OneRoleGrant_IsLengthKindAndRole()
    {
        Encode(new TokenGrants { RoleId = 7 }).Should().Equal(0x02, 0x21, 0x07);
    }

    [Fact]
    public void Write_EveryKind_InKindOrder()
    {
        var bytes = Encode(new TokenGrants { RoleId = 1, Nodes = 0x000F, Nick = "cat", Label = "spring" });

        bytes.Should().Equal(
            [(byte)(bytes.Length - 1), 0x21, 0x01, 0x42, 0x00, 0x0F, 0x63, (byte)'c', (byte)'a', (byte)'t', 0x86, .. "spring"u8.ToArray()]);
    }

    [Fact]
    public void Budget_PlainTokenWithOneRoleGrant_IsAtMost48Characters()
    {
        var token = WithGrants(V1, PlainHeader, new TokenGrants { RoleId = 200 });

        token.Length.Should().Be(42).And.BeLessThanOrEqualTo(48, "issue 19: a token with one role grant stays at most 48 characters");
    }

    [Fact]
    public void Budget_UseLimitedTokenWithEveryGrantAtItsLongest_IsAtMost96Characters()
    {
        var grants = new TokenGrants { RoleId = 255, Nodes = TokenGrantsCodec.KnownNodes, Nick = new string('n', TokenGrantsCodec.MaxNickBytes), Label = new string('l', TokenGrantsCodec.MaxLabelBytes) };

        TokenGrantsCodec.GetSize(grants).Should().Be(TokenGrantsCodec.MaxPartBytes);
        WithGrants(V4, LimitedHeader, grants).Length.Should().Be(96, "issue 19: every field at most 96 characters");
        WithGrants(V1, PlainHeader, grants).Length.Should().Be(83);
    }

    [Fact]
    public void Write_NonAsciiNick_CountsUtf8Bytes()
    {
        TokenGrantsCodec.GetSize(new TokenGrants { Nick = "猫猫猫猫猫" }).Should().Be(1 + 1 + 15);

        var act = () => TokenGrantsCodec.GetSize(new TokenGrants { Nick = "猫猫猫猫猫猫" });

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(TokenGrants.Nick));
    }

    public static TheoryData<string> UnwritableCases => new(UnwritableGrants.Keys);

    private static readonly Dictionary<string, TokenGrants> UnwritableGrants = new()
    {
        { "nothing granted", default },
        { "an unknown kind", new TokenGrants { UnknownKinds = 0x10 } },
        { "a node bit of no defined node", new TokenGrants { Nodes = 0x0400 } },
        { "an empty nick", new TokenGrants { Nick = string.Empty } },
        { "a nick of 17 bytes", new TokenGrants { Nick = new string('n', 17) } },
        { "a label of 11 bytes", new TokenGrants { Label = new string('l', 11) } },
        { "a control character", new TokenGrants { Label = "a\nb" } },
        { "a lone surrogate", new TokenGrants { Nick = "\uD800" } },
    };

    [Theory]
    [MemberData(nameof(UnwritableCases))]
    public void Write_InvalidGrants_Throws(string why)
    {
        var grants = UnwritableGrants[why];
        var act = () => TokenGrantsCodec.GetSize(grants);

        act.Should().Throw<ArgumentException>(why);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "empty", [] },
        { "length 0", [0x00] },
        { "length beyond the input", [0x03, 0x21, 0x01] },
        { "length over the maximum", [34, .. new byte[34]] },
        { "an entry running past the length", [0x02, 0x42, 0x00] },
        { "kind 0", [0x01, 0x00] },
        { "role 0", [0x02, 0x21, 0x00] },
        { "role of 2 bytes", [0x03, 0x22, 0x01, 0x01] },
        { "nodes mask 0", [0x03, 0x42, 0x00, 0x00] },
        { "reserved node bit", [0x03, 0x42, 0x04, 0x00] },
        { "nodes of 1 byte", [0x02, 0x41, 0x01] },
        { "kinds descending", [0x05, 0x42, 0x00, 0x01, 0x21, 0x01] },
        { "a kind repeated", [0x04, 0x21, 0x01, 0x21, 0x02] },
        { "an empty nick", [0x01, 0x60] },
        { "a nick of 17 bytes", [18, 0x71, .. new byte[17].Select(_ => (byte)'n')] },
        { "a label of 11 bytes", [12, 0x8B, .. new byte[11].Select(_ => (byte)'l')] },
        { "a nick that is not UTF-8", [0x03, 0x62, 0xC3, 0x28] },
        { "a label with a control character", [0x03, 0x82, (byte)'a', 0x07] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_MalformedPart_IsRefused(string why, byte[] bytes)
    {
        TokenGrantsCodec.TryRead(bytes, out _, out _).Should().BeFalse(why);
    }

    [Fact]
    public void TryRead_UnknownKind_IsReportedNotRefused()
    {
        byte[] bytes = [0x06, 0x21, 0x05, 0xA3, 0x01, 0x02, 0x03];

        TokenGrantsCodec.TryRead(bytes, out var grants, out var consumed).Should().BeTrue();

        consumed.Should().Be(7);
        grants.RoleId.Should().Be(5);
        grants.UnknownKinds.Should().Be(0x10, "kind 5 is reported as bit 4");
    }

    [Fact]
    public void TryRead_PartFollowedByOtherBytes_ConsumesOnlyThePart()
    {
        byte[] bytes = [0x02, 0x21, 0x09, 0xFF, 0xFF];

        TokenGrantsCodec.TryRead(bytes, out var grants, out var consumed).Should().BeTrue();

        consumed.Should().Be(3);
        grants.Should().Be(new TokenGrants { RoleId = 9 });
    }

    [Fact]
    public void RoundTrip_RandomGrants_ReadBackEqual()
    {
        var text = Gen.Char['a', 'z'].Array[1, 10].Select(c => new string(c));
        var gen = Gen.Select(Gen.Byte, Gen.UShort[0, TokenGrantsCodec.KnownNodes], text.Null(), text.Null())
            .Select((role, nodes, nick, label) => new TokenGrants { RoleId = role, Nodes = nodes, Nick = nick, Label = label })
            .Where(g => !g.IsEmpty);

        gen.Sample(
            grants =>
            {
                var bytes = Encode(grants);
                return TokenGrantsCodec.TryRead(bytes, out var read, out var consumed) && consumed == bytes.Length && read == grants;
            },
            iter: TokenProperties.Cases);
    }

    [Fact]
    public void TryRead_RandomBytes_NeverThrows_AndAcceptedPartsReEncodeIdentically()
    {
        Gen.Byte.Array[0, 40].Sample(
            bytes =>
            {
                if (!TokenGrantsCodec.TryRead(bytes, out var grants, out var consumed) || grants.UnknownKinds != 0)
                {
                    return true;
                }

                // One spelling: a part this edition can write is written back byte for byte.
                return Encode(grants).AsSpan().SequenceEqual(bytes.AsSpan(0, consumed));
            },
            iter: TokenProperties.Cases);
    }

    private const int PlainHeader = TokenCodec.PlainHeaderSize;

    private const int LimitedHeader = TokenCodec.LimitedHeaderSize;

    private static byte[] Encode(in TokenGrants grants)
    {
        var bytes = new byte[TokenGrantsCodec.GetSize(grants)];
        TokenGrantsCodec.Write(grants, bytes).Should().Be(bytes.Length);
        return bytes;
    }

    /// <summary>The text of a token with this header, these grants and a 16-byte tag (the tag's value does not change the length).</summary>
    private static string WithGrants(byte[] token, int headerSize, in TokenGrants grants) =>
        Base64Url.EncodeToString([.. token.AsSpan(0, headerSize), .. Encode(grants), .. token.AsSpan(headerSize)]);
}
