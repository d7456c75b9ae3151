using System.Buffers.Text;
using System.Security.Cryptography;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>The restriction chain of issue 19 (docs/design/grants-and-narrowing.md sections 2.2 and 3): layout, budgets, the chained MAC step.</summary>
public class RestrictionCodecTests
{
    private static readonly byte[] V1 = Base64Url.DecodeFromChars("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g");

    public static TheoryData<string> Kinds => new(LayoutOf.Keys);

    private static readonly Dictionary<string, (TokenRestriction Restriction, byte[] Bytes)> LayoutOf = new()
    {
        ["invitee"] = (TokenRestriction.ToInvitee(), [0x01]),
        ["expires-at"] = (TokenRestriction.Expiring(1767229200), [0x02, 0x69, 0x55, 0xC7, 0x10]),
        ["uses"] = (TokenRestriction.LimitingUses(2, 0x0001020304050607), [0x03, 0x00, 0x02, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]),
        ["grants"] = (TokenRestriction.KeepingGrants(0x01, 0x0003), [0x04, 0x01, 0x00, 0x03]),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Write_EachKind_GivesItsLayout_AndReadsBack(string kind)
    {
        var (restriction, expected) = LayoutOf[kind];
        var bytes = new byte[restriction.Size];

        TokenRestrictionCodec.Write(restriction, bytes).Should().Be(expected.Length, kind);

        bytes.Should().Equal(expected);
        TokenRestrictionCodec.TryRead(bytes, out var read).Should().BeTrue();
        read.Should().Be(restriction);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Budget_OneRestriction_AddsAtMost24Characters_AtEveryAlignment(string kind)
    {
        var (restriction, expected) = LayoutOf[kind];
        // A token's length modulo 3 decides how the added bytes fall into base64 groups: try all three.
        foreach (var tokenBytes in new[] { 28, 29, 30, 38, 41, 72 })
        {
            var added = Base64Url.GetEncodedLength(tokenBytes + expected.Length) - Base64Url.GetEncodedLength(tokenBytes);

            added.Should().BeLessThanOrEqualTo(24, $"issue 19: one {kind} restriction adds at most 24 characters (token of {tokenBytes} bytes)");
        }

        restriction.Size.Should().BeLessThanOrEqualTo(TokenRestrictionCodec.MaxRestrictionBytes);
    }

    [Fact]
    public void Budget_V1NarrowedToAnInvitee_Is39Characters()
    {
        Base64Url.GetEncodedLength(V1.Length + 1).Should().Be(39);
    }

    public static TheoryData<string, byte[]> Malformed => new()
    {
        { "empty", [] },
        { "kind 0", [0x00] },
        { "kind 5", [0x05, 0x00, 0x00, 0x00] },
        { "kind 255", [0xFF] },
        { "expires-at cut short", [0x02, 0x69, 0x55, 0xC7] },
        { "uses cut short", [0x03, 0x00, 0x02, 0x00] },
        { "uses 0", [0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07] },
        { "grants keeping kind bit 7", [0x04, 0x80, 0x00, 0x01] },
        { "grants keeping a node bit of no defined node", [0x04, 0x01, 0x04, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_MalformedRestriction_IsRefused(string why, byte[] bytes)
    {
        TokenRestrictionCodec.TryRead(bytes, out _).Should().BeFalse(why);
    }

    [Fact]
    public void TryReadChain_SeveralKinds_ReadsEachInOrder()
    {
        byte[] chain = [0x01, 0x02, 0x69, 0x55, 0xC7, 0x10, 0x01];
        var read = new TokenRestriction[TokenRestrictionCodec.MaxRestrictions];

        TokenRestrictionCodec.TryReadChain(chain, read, out var count).Should().BeTrue();

        count.Should().Be(3);
        read[..3].Should().Equal(TokenRestriction.ToInvitee(), TokenRestriction.Expiring(1767229200), TokenRestriction.ToInvitee());
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(8, true)]
    [InlineData(9, false)]
    public void TryReadChain_OneToEightRestrictions_AreAccepted(int restrictions, bool accepted)
    {
        var read = new TokenRestriction[TokenRestrictionCodec.MaxRestrictions];

        TokenRestrictionCodec.TryReadChain(Enumerable.Repeat((byte)0x01, restrictions).ToArray(), read, out _).Should().Be(accepted);
    }

    [Fact]
    public void TryReadChain_TrailingPartialRestriction_IsRefused()
    {
        var read = new TokenRestriction[TokenRestrictionCodec.MaxRestrictions];

        TokenRestrictionCodec.TryReadChain([0x01, 0x02, 0x69], read, out var count).Should().BeFalse();
        count.Should().Be(0);
    }

    [Fact]
    public void ChainLabel_Is30AsciiBytesThenZero()
    {
        TokenRestrictionCodec.ChainLabel.Length.Should().Be(31);
        TokenRestrictionCodec.ChainLabel[30].Should().Be(0);
    }

    [Fact]
    public void NextTag_IsTruncatedHmacKeyedByThePreviousTag_OverLabelRestrictionAndContext()
    {
        var previous = V1.AsSpan(12, 16).ToArray();
        var context = "cat@shakespeare.example"u8.ToArray();
        var next = new byte[16];

        TokenRestrictionCodec.NextTag(previous, [0x01], context, next);

        byte[] message = [.. TokenRestrictionCodec.ChainLabel, 0x01, .. context];
        var expected = HMACSHA256.HashData(previous, message).AsSpan(0, 16).ToArray();
        next.Should().Equal(expected);
    }

    [Fact]
    public void NextTag_LongContext_UsesAPooledBuffer_AndGivesTheSameMac()
    {
        var previous = new byte[16];
        var context = new byte[2000];
        context.AsSpan().Fill(0x61);
        var next = new byte[16];

        TokenRestrictionCodec.NextTag(previous, [0x01], context, next);

        byte[] message = [.. TokenRestrictionCodec.ChainLabel, 0x01, .. context];
        next.Should().Equal(HMACSHA256.HashData(previous, message).AsSpan(0, 16).ToArray());
    }

    [Fact]
    public void NextTag_AnyChangeToKeyRestrictionOrContext_ChangesTheTag()
    {
        // The chain's unforgeability rests on HMAC; this pins that every input reaches it: the previous tag (dropping
        // or reordering restrictions), the restriction bytes (raising a limit) and the context (changing the invitee).
        Gen.Select(Gen.Byte.Array[16], Gen.Byte.Array[1, 11], Gen.Byte.Array[0, 40], Gen.Int[0, 3], Gen.Int[0, 1000])
            .Sample(
                (key, restriction, context, which, at) =>
                {
                    var original = Next(key, restriction, context);
                    byte[][] inputs = [key, restriction, context];
                    var target = inputs[which % 3];
                    if (target.Length == 0)
                    {
                        return true;
                    }

                    var mutated = target.ToArray();
                    mutated[at % mutated.Length] ^= (byte)(1 << (at % 8));
                    var changed = (which % 3) switch
                    {
                        0 => Next(mutated, restriction, context),
                        1 => Next(key, mutated, context),
                        _ => Next(key, restriction, mutated),
                    };
                    return !changed.AsSpan().SequenceEqual(original);
                },
                iter: TokenProperties.Cases);
    }

    [Fact]
    public void Chain_DroppingTheLastStep_GivesAnotherTag()
    {
        // The token carries only t_n; t_{n-1}, the tag of the wider token, is never sent and differs from it.
        var t0 = V1.AsSpan(12, 16).ToArray();
        var t1 = Next(t0, [0x02, 0x69, 0x55, 0xC7, 0x10], []);
        var t2 = Next(t1, [0x01], "cat@shakespeare.example"u8.ToArray());

        t2.Should().NotEqual(t1).And.NotEqual(t0);
        Next(t0, [0x01], "cat@shakespeare.example"u8.ToArray()).Should().NotEqual(t2, "the order of restrictions is part of the chain");
    }

    private static byte[] Next(byte[] key, byte[] restriction, byte[] context)
    {
        var next = new byte[16];
        TokenRestrictionCodec.NextTag(key, restriction, context, next);
        return next;
    }
}
