using System.Buffers.Text;
using CsCheck;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Properties;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// Offline narrowing as bytes (issue 19, docs/design/grants-and-narrowing.md section 3), before any validator reads it:
/// the narrowed layout, the chain from the original's tag, and what cannot be narrowed.
/// </summary>
public class TokenNarrowingTests
{
    private const string V1 = "AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g";
    private const string V4 = "AQEDAWlVuQBpXvOAAAECAwQFBgcAAd82eLHp5Ha1BmlsD8H8hto";

    private static readonly byte[] Cat = "cat@shakespeare.example"u8.ToArray();

    [Fact]
    public void Narrow_V1ToAnInvitee_SetsBit2_AppendsTheRestriction_AndChainsFromV1sTag()
    {
        var original = Base64Url.DecodeFromChars(V1);

        var reason = TokenNarrowing.TryNarrow(V1, TokenRestriction.ToInvitee(), Cat, out var narrowed);

        reason.Should().Be(InvitationFailureReason.None);
        narrowed!.Length.Should().Be(39);
        var bytes = Base64Url.DecodeFromChars(narrowed);
        bytes[1].Should().Be(0x04);
        bytes.AsSpan(2, 10).ToArray().Should().Equal(original.AsSpan(2, 10).ToArray(), "the rest of the header is the original's");
        bytes[12].Should().Be(0x01);
        var expected = new byte[16];
        TokenRestrictionCodec.NextTag(original.AsSpan(12, 16), [0x01], Cat, expected);
        bytes.AsSpan(13).ToArray().Should().Equal(expected);
    }

    [Fact]
    public void Narrow_Twice_IsTheChainOverBothRestrictions_FromTheOriginalTag()
    {
        TokenNarrowing.TryNarrow(V4, TokenRestriction.Expiring(1767229200), Cat, out var once).Should().Be(InvitationFailureReason.None);
        TokenNarrowing.TryNarrow(once, TokenRestriction.LimitingUses(2, 42), Cat, out var twice).Should().Be(InvitationFailureReason.None);
        TokenNarrowing.TryNarrow(twice, TokenRestriction.ToInvitee(), Cat, out var thrice).Should().Be(InvitationFailureReason.None);

        var bytes = Base64Url.DecodeFromChars(thrice);
        TokenParts.TryParse(bytes, out var parts).Should().Be(InvitationFailureReason.None);
        parts.Restrictions.Length.Should().Be(5 + 11 + 1);
        var rootTag = Base64Url.DecodeFromChars(V4).AsSpan(22, 16).ToArray();
        var final = new byte[16];
        parts.ComputeFinalTag(rootTag, Cat, final);
        final.Should().Equal(parts.Tag.ToArray(), "a verifier that recomputes from the root reaches the carried tag");
        thrice!.Length.Should().Be(74, "the design note's example: V4 narrowed by an expiry, 2 uses and an invitee");
    }

    [Fact]
    public void RootHeader_ClearsBit2_SoTheRootIsTheOriginalsMacInput()
    {
        TokenNarrowing.TryNarrow(V1, TokenRestriction.ToInvitee(), Cat, out var narrowed);
        var bytes = Base64Url.DecodeFromChars(narrowed);
        TokenParts.TryParse(bytes, out var parts);
        var root = new byte[parts.Header.Length + parts.Grants.Length];

        parts.WriteRootHeader(root);

        root.Should().Equal(Base64Url.DecodeFromChars(V1).AsSpan(0, 12).ToArray());
    }

    [Fact]
    public void Chain_AnotherInvitee_GivesAnotherTag()
    {
        TokenNarrowing.TryNarrow(V1, TokenRestriction.ToInvitee(), Cat, out var forCat);
        TokenNarrowing.TryNarrow(V1, TokenRestriction.ToInvitee(), "rat@shakespeare.example"u8, out var forRat);

        forCat.Should().NotBe(forRat);
        var bytes = Base64Url.DecodeFromChars(forCat);
        TokenParts.TryParse(bytes, out var parts);
        var final = new byte[16];
        parts.ComputeFinalTag(Base64Url.DecodeFromChars(V1).AsSpan(12, 16), "rat@shakespeare.example"u8, final);
        final.Should().NotEqual(parts.Tag.ToArray(), "presenting cat's copy with another invitee fails the chain");
    }

    [Fact]
    public void Narrow_NinthRestriction_IsRefused()
    {
        var token = V1;
        for (var i = 0; i < TokenRestrictionCodec.MaxRestrictions; i++)
        {
            TokenNarrowing.TryNarrow(token, TokenRestriction.ToInvitee(), Cat, out var next).Should().Be(InvitationFailureReason.None);
            token = next!;
        }

        TokenNarrowing.TryNarrow(token, TokenRestriction.ToInvitee(), Cat, out var ninth).Should().Be(InvitationFailureReason.Malformed);
        ninth.Should().BeNull();
    }

    [Fact]
    public void Narrow_ExpiryAtOrBeforeIssuedAt_IsRefused()
    {
        TokenNarrowing.TryNarrow(V1, TokenRestriction.Expiring(1767225600), Cat, out _).Should().Be(InvitationFailureReason.Malformed);
        TokenNarrowing.TryNarrow(V1, TokenRestriction.Expiring(1767225601), Cat, out _).Should().Be(InvitationFailureReason.None);
    }

    [Fact]
    public void Narrow_GrantsRestrictionOnATokenWithoutGrants_IsRefused()
    {
        TokenNarrowing.TryNarrow(V1, TokenRestriction.KeepingGrants(0, 0), Cat, out _).Should().Be(InvitationFailureReason.Malformed);
    }

    [Theory]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g=", InvitationFailureReason.Malformed)]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00h", InvitationFailureReason.Malformed)]
    [InlineData(" AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g", InvitationFailureReason.Malformed)]
    [InlineData("AgABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g", InvitationFailureReason.UnsupportedVersion)]
    [InlineData("AQgBAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g", InvitationFailureReason.Malformed)]
    [InlineData("AQQBAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g", InvitationFailureReason.Malformed)]
    [InlineData("", InvitationFailureReason.Malformed)]
    public void Narrow_TokenThatIsNotWellFormed_IsRefused(string token, InvitationFailureReason reason)
    {
        // Padding, non-zero trailing bits, whitespace, version 2, an unknown flag (bit 3), bit 2 with no restriction.
        TokenNarrowing.TryNarrow(token, TokenRestriction.ToInvitee(), Cat, out var narrowed).Should().Be(reason);
        narrowed.Should().BeNull();
    }

    [Fact]
    public void Narrow_AnySequence_RecomputesFromTheRootToTheCarriedTag()
    {
        var restriction = Gen.OneOf(
            Gen.Const(TokenRestriction.ToInvitee()),
            Gen.UInt[1767225601, uint.MaxValue].Select(TokenRestriction.Expiring),
            Gen.Select(Gen.UShort[1, ushort.MaxValue], Gen.ULong).Select(TokenRestriction.LimitingUses));

        restriction.Array[1, TokenRestrictionCodec.MaxRestrictions].Sample(
            sequence =>
            {
                var token = V1;
                foreach (var r in sequence)
                {
                    if (TokenNarrowing.TryNarrow(token, r, Cat, out var next) != InvitationFailureReason.None)
                    {
                        return false;
                    }

                    token = next!;
                }

                var bytes = Base64Url.DecodeFromChars(token);
                if (TokenParts.TryParse(bytes, out var parts) != InvitationFailureReason.None)
                {
                    return false;
                }

                var final = new byte[16];
                parts.ComputeFinalTag(Base64Url.DecodeFromChars(V1).AsSpan(12, 16), Cat, final);
                return final.AsSpan().SequenceEqual(parts.Tag) && !final.AsSpan().SequenceEqual(Base64Url.DecodeFromChars(V1).AsSpan(12, 16));
            },
            iter: TokenProperties.Cases);
    }
}
