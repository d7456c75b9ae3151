using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// The grants and narrowing vectors of docs/token-format.md (sections 11, 13 and 14): the grants, narrowed, chain,
/// narrowed-present and ledger tables, checked against the library itself — issuing with grants, narrowing with
/// <see cref="TokenNarrowing"/> and the public <see cref="InvitationNarrowing.Narrow"/>, validating, and redeeming
/// through <see cref="InvitationRedeemer"/> with an <see cref="InMemoryInvitationLedger"/>. The same tables are
/// recomputed by tools/token-vectors/reference.py.
/// </summary>
public partial class TokenFormatVectorTests
{
    public static TheoryData<string> GrantIds => new(GrantVectors().Select(v => v[0]));

    public static TheoryData<string> NarrowedIds => new(NarrowedVectors().Select(v => v[0]));

    public static TheoryData<string> NarrowedPresentIds => new(NarrowedPresentVectors().Select(v => v[0]));

    public static TheoryData<string> LedgerIds => new(LedgerVectors().Select(v => v[0]).Distinct());

    [Fact]
    public void Document_HoldsTheVectorsIssue19AsksFor()
    {
        var grants = GrantVectors();
        grants.Should().Contain(v => v[2] != "-").And.Contain(v => v[3] != "-").And.Contain(v => v[4] != "-").And.Contain(v => v[5] != "-");
        grants.Should().Contain(v => v[2] != "-" && v[3] != "-" && v[4] != "-" && v[5] != "-", "one row grants every kind together");

        var narrowed = NarrowedVectors();
        foreach (var kind in new[] { "invitee", "expires-at", "uses", "grants" })
        {
            narrowed.Should().Contain(v => v[2].StartsWith(kind, StringComparison.Ordinal) && !v[2].Contains(';', StringComparison.Ordinal), $"a copy narrowed by {kind} alone");
        }

        narrowed.Should().Contain(v => v[2].Split("; ").Length >= 3, "a copy narrowed several times in a row");
        ChainVectors().Select(v => v[0]).Distinct().Should().BeEquivalentTo(narrowed.Select(v => v[0]), "every narrowed copy's chain is given");

        var present = NarrowedPresentVectors();
        present.Where(v => v[7].StartsWith("widening", StringComparison.Ordinal)).Should().HaveCountGreaterThanOrEqualTo(4).And.OnlyContain(v => v[6] == "BadSignature");
        present.Select(v => v[6]).Should().Contain(["Malformed", "GrantNotSupported", "InviteeMismatch", "Expired", "None"]);
        LedgerVectors().Select(v => v[6]).Should().Contain(["Revoked", "UsesExhausted", "None"]);
    }

    [Theory]
    [MemberData(nameof(GrantIds))]
    public void Issue_WithDocumentedGrants_GivesDocumentedToken_AndTheClaimsReadThemBack(string id)
    {
        var g = GrantVectors().Single(r => r[0] == id);
        var v = ValidVectors().Single(r => r[0] == g[1]);
        var (service, time) = IssuingService(v);
        var grants = GrantsOf(g);

        var issued = service.Issue(WithGrants(Request(v), grants));

        issued.Invitation.Token.Should().Be(Code(g[6]));
        LengthOf(g[6]).Should().Be(issued.Invitation.Token.Length);
        issued.Claims.TokenId.ToString().Should().Be(Code(g[7]));
        time.Advance(TimeSpan.FromSeconds(1));
        var result = service.Check(issued.Invitation, new InvitationContext { Channel = issued.Invitation.Channel, Joiner = Jid.Parse("anyone@example.net") });
        result.Reason.Should().Be(InvitationFailureReason.None);
        result.Claims.TokenId.ToString().Should().Be(Code(g[7]));
        result.Claims.Grants.Should().Be(grants);
    }

    [Theory]
    [MemberData(nameof(NarrowedIds))]
    public void Narrow_DocumentedCopy_GivesDocumentedToken_ChainAndCopyIds(string id)
    {
        var n = NarrowedVectors().Single(r => r[0] == id);
        var (channel, inviter, invitee) = Presented(id);
        var original = TokenOf(n[1]);
        var context = Context(invitee);

        var token = original;
        var chain = ChainVectors().Where(r => r[0] == id).ToList();
        var step = chain.Count - n[2].Split("; ").Length;
        foreach (var spec in n[2].Split("; "))
        {
            var previousTag = Base64Url.DecodeFromChars(token)[^TokenCodec.TagSize..];
            TokenNarrowing.TryNarrow(token, Restriction(spec), context, out var narrowed).Should().Be(InvitationFailureReason.None, spec);
            token = narrowed!;

            // Each step: t_i = HMAC(t_{i-1}, label || r_i || context), and the copy id of a uses restriction.
            var c = chain.Single(r => r[1] == step.ToString(CultureInfo.InvariantCulture));
            var restriction = Convert.FromHexString(Code(c[2]));
            var tag = new byte[TokenCodec.TagSize];
            TokenRestrictionCodec.NextTag(previousTag, restriction, restriction[0] == 1 ? context : Array.Empty<byte>(), tag);
            tag.Should().Equal(Convert.FromHexString(Code(c[4])), $"{id} step {step}");
            Base64Url.DecodeFromChars(token)[^TokenCodec.TagSize..].Should().Equal(tag, "the copy carries only the last chain tag");
            (c[3] == "-" ? Array.Empty<byte>() : Convert.FromHexString(Code(c[3]))).Should().Equal(restriction[0] == 1 ? context : Array.Empty<byte>());
            (c[5] == "-" ? null : Code(c[5])).Should().Be(restriction[0] == 3 ? InvitationTokenId.FromChainTag(tag).ToString() : null);
            step++;
        }

        token.Should().Be(Code(n[4]));
        LengthOf(n[4]).Should().Be(token.Length);

        // Step 0 is the original's root tag t0: the tag it was issued with.
        var root = Base64Url.DecodeFromChars(TokenOf(RootOf(id)))[^TokenCodec.TagSize..];
        Convert.FromHexString(Code(chain.Single(r => r[1] == "0")[4])).Should().Equal(root);

        // The public call gives the same copy when the row asks what it appends, in its order, with no random nonce.
        var issued = IssueRowOf(id);
        if (PublicRequest(n[2], invitee) is { } request)
        {
            var publicCopy = new Invitation(Jid.Parse(channel), original, inviter is null ? null : Jid.Parse(inviter), Presented(n[1]).Invitee is { } before ? Jid.Parse(before) : null).Narrow(request);
            publicCopy.IsNarrowed.Should().BeTrue();
            publicCopy.Invitation!.Token.Should().Be(token, "Narrow appends grants, uses, expiry, invitee, in that order");
        }

        // Validated as presented, the copy is genuine, names its original's id and counts against every copy limit.
        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(issued[6], CultureInfo.InvariantCulture) + 60);
        var result = PresentationService(at).Check(
            new Invitation(Jid.Parse(channel), token, inviter is null ? null : Jid.Parse(inviter), invitee is null ? null : Jid.Parse(invitee)),
            new InvitationContext { Channel = Jid.Parse(channel), Joiner = Jid.Parse(invitee ?? "anyone@example.net") });
        result.Reason.Should().Be(InvitationFailureReason.None);
        result.Claims.TokenId.ToString().Should().Be(Code(n[5]), "a copy has its original's ledger identity");
        result.Claims.RestrictionCount.Should().Be(chain.Count - 1);
        result.Claims.CopyLimits.ToArray().Select(l => l.CopyId.ToString()).Should().Equal(chain.Where(r => r[5] != "-").Select(r => Code(r[5])));
    }

    [Theory]
    [MemberData(nameof(NarrowedPresentIds))]
    public void Validate_DocumentedNarrowedPresentation_GivesDocumentedReason(string id)
    {
        var x = NarrowedPresentVectors().Single(r => r[0] == id);
        var (invitee, joiner) = (Cell(x[3]), Cell(x[4]));
        var baseId = Regex.Match(x[1], @"^\w+").Value;
        var (channel, inviter, _) = Presented(baseId);

        var token = MadeFrom(x[1], invitee);

        token.Should().Be(Code(x[2]), "the recipe gives the documented token");
        LengthOf(x[2]).Should().Be(token.Length);
        var result = PresentationService(DateTimeOffset.FromUnixTimeSeconds(long.Parse(x[5], CultureInfo.InvariantCulture))).Check(
            new Invitation(Jid.Parse(channel), token, inviter is null ? null : Jid.Parse(inviter), invitee is null ? null : Jid.Parse(invitee)),
            new InvitationContext { Channel = Jid.Parse(channel), Joiner = joiner is null ? null : Jid.Parse(joiner) });
        result.Reason.Should().Be(Enum.Parse<InvitationFailureReason>(x[6]), x[7]);
    }

    [Theory]
    [MemberData(nameof(LedgerIds))]
    public async Task Redeem_DocumentedLedgerSequence_GivesDocumentedResults(string id)
    {
        var steps = LedgerVectors().Where(r => r[0] == id).ToList();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(steps[0][5], CultureInfo.InvariantCulture)));
        var service = PresentationService(time);
        using var ledger = new InMemoryInvitationLedger(time);
        var redeemer = new InvitationRedeemer(service, ledger, timeProvider: time);

        foreach (var step in steps)
        {
            time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(long.Parse(step[5], CultureInfo.InvariantCulture)));
            var (channel, inviter, invitee) = Presented(step[3]);
            var invitation = new Invitation(Jid.Parse(channel), TokenOf(step[3]), inviter is null ? null : Jid.Parse(inviter), invitee is null ? null : Jid.Parse(invitee));
            var reason = step[2] switch
            {
                "revoke" => (await redeemer.RevokeAsync(invitation, TestContext.Current.CancellationToken)).Reason,
                "redeem" => (await redeemer.RedeemAsync(invitation, new InvitationContext { Channel = invitation.Channel, Joiner = Jid.Parse(step[4]) }, TestContext.Current.CancellationToken)).Reason,
                _ => throw new InvalidOperationException("unknown action " + step[2]),
            };

            reason.Should().Be(Enum.Parse<InvitationFailureReason>(step[6]), $"{id} step {step[1]}: {step[2]} {step[3]} by {step[4]}");
        }
    }

    /// <summary>The public narrowing request for a row's restrictions, when the public call would append exactly them in this order (no uses: its nonce is random).</summary>
    private static InvitationRestrictions? PublicRequest(string restrictions, string? invitee)
    {
        var request = new InvitationRestrictions();
        var order = 0;
        foreach (var spec in restrictions.Split("; "))
        {
            var words = spec.Split(' ');
            var (rank, next) = words[0] switch
            {
                "grants" => (1, request with { KeepGrants = (InvitationGrantKinds)Convert.ToByte(words[2], 16), KeepNodes = (MixNodes)Convert.ToUInt16(words[4], 16) }),
                "expires-at" => (3, request with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(words[1], CultureInfo.InvariantCulture)) }),
                "invitee" => (4, request with { Invitee = Jid.Parse(invitee!) }),
                _ => (0, request),
            };
            if (rank <= order)
            {
                return null;
            }

            (order, request) = (rank, next);
        }

        return request;
    }

    /// <summary>The grants of a row of the grants table.</summary>
    private static InvitationGrants GrantsOf(string[] g) => new()
    {
        Role = g[2] == "-" ? null : int.Parse(g[2], CultureInfo.InvariantCulture),
        Nodes = g[3] == "-" ? MixNodes.None : (MixNodes)Convert.ToUInt16(g[3], 16),
        Nick = Cell(g[4]),
        Label = Cell(g[5]),
    };

    private static InvitationIssueRequest WithGrants(InvitationIssueRequest request, InvitationGrants grants) => new()
    {
        Channel = request.Channel,
        Inviter = request.Inviter,
        Invitee = request.Invitee,
        Policy = request.Policy,
        Lifetime = request.Lifetime,
        MaxUses = request.MaxUses,
        Grants = grants,
    };

    private static TokenRestriction Restriction(string spec)
    {
        var words = spec.Split(' ');
        return words[0] switch
        {
            "invitee" => TokenRestriction.ToInvitee(),
            "expires-at" => TokenRestriction.Expiring(uint.Parse(words[1], CultureInfo.InvariantCulture)),
            "uses" => TokenRestriction.LimitingUses(ushort.Parse(words[1], CultureInfo.InvariantCulture), BinaryPrimitives.ReadUInt64BigEndian(Convert.FromHexString(words[3]))),
            "grants" => TokenRestriction.KeepingGrants(Convert.ToByte(words[2], 16), Convert.ToUInt16(words[4], 16)),
            _ => throw new ArgumentException("unknown restriction " + spec, nameof(spec)),
        };
    }

    /// <summary>A restriction's bytes as the document writes them, including kinds and values no narrowing call would write ("raw HEX").</summary>
    private static byte[] RestrictionBytes(string spec)
    {
        var words = spec.Split(' ');
        var bytes = new byte[12];
        switch (words[0])
        {
            case "raw":
                return Convert.FromHexString(words[1]);
            case "invitee":
                return [1];
            case "expires-at":
                bytes[0] = 2;
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), uint.Parse(words[1], CultureInfo.InvariantCulture));
                return bytes[..5];
            case "uses":
                bytes[0] = 3;
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), ushort.Parse(words[1], CultureInfo.InvariantCulture));
                Convert.FromHexString(words[3]).CopyTo(bytes, 3);
                return bytes[..11];
            case "grants":
                bytes[0] = 4;
                bytes[1] = Convert.ToByte(words[2], 16);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), Convert.ToUInt16(words[4], 16));
                return bytes[..4];
            default:
                throw new ArgumentException("unknown restriction " + spec, nameof(spec));
        }
    }

    /// <summary>The token of a V, G or N id, computed through the library from the row's inputs (never read from its token cell).</summary>
    private static string TokenOf(string id)
    {
        if (GrantVectors().SingleOrDefault(r => r[0] == id) is { } g)
        {
            var v = ValidVectors().Single(r => r[0] == g[1]);
            return IssuingService(v).Service.Issue(WithGrants(Request(v), GrantsOf(g))).Invitation.Token;
        }

        if (NarrowedVectors().SingleOrDefault(r => r[0] == id) is { } n)
        {
            var invitee = Presented(id).Invitee;
            var context = Context(invitee);
            var token = TokenOf(n[1]);
            foreach (var spec in n[2].Split("; "))
            {
                TokenNarrowing.TryNarrow(token, Restriction(spec), context, out var narrowed).Should().Be(InvitationFailureReason.None);
                token = narrowed!;
            }

            return token;
        }

        var row = ValidVectors().Single(r => r[0] == id);
        return IssuingService(row).Service.Issue(Request(row)).Invitation.Token;
    }

    /// <summary>
    /// A token made as a narrowed-present row says: a base (an id, or "Vn minted with grants HEX": a key holder signing
    /// Vn's inputs with a raw grants part), then steps over its bytes, as a holder or an attacker without the key can.
    /// </summary>
    private static string MadeFrom(string recipe, string? invitee)
    {
        var steps = recipe.Split("; ");
        var minted = Regex.Match(steps[0], @"^(\w+) minted with grants ([0-9a-f]+)$");
        var token = minted.Success ? Mint(minted.Groups[1].Value, Convert.FromHexString(minted.Groups[2].Value)) : TokenOf(steps[0]);
        var context = Context(invitee);
        foreach (var step in steps[1..])
        {
            var bytes = Base64Url.DecodeFromChars(token);
            var headerSize = (bytes[1] & 1) != 0 ? TokenCodec.LimitedHeaderSize : TokenCodec.PlainHeaderSize;
            var chainStart = headerSize + ((bytes[1] & 2) != 0 ? 1 + bytes[headerSize] : 0);
            var repeat = Regex.Match(step, @"^(\d+) × (.+)$");
            switch (step)
            {
                case "drop-last":
                    var last = SplitChain(bytes[chainStart..^TokenCodec.TagSize]).Last();
                    bytes = [.. bytes[..(bytes.Length - TokenCodec.TagSize - last.Length)], .. bytes[^TokenCodec.TagSize..]];
                    break;
                case "clear-bit-2":
                    bytes[1] &= unchecked((byte)~TokenCodec.FlagRestricted);
                    break;
                case "set-bit-2":
                    bytes[1] |= TokenCodec.FlagRestricted;
                    break;
                case var s when s.StartsWith("uses=", StringComparison.Ordinal) || s.StartsWith("expires-at=", StringComparison.Ordinal):
                    var kind = s.StartsWith("uses=", StringComparison.Ordinal) ? (byte)3 : (byte)2;
                    var at = chainStart;
                    foreach (var r in SplitChain(bytes[chainStart..^TokenCodec.TagSize]))
                    {
                        if (r[0] == kind)
                        {
                            if (kind == 3)
                            {
                                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at + 1), ushort.Parse(s[5..], CultureInfo.InvariantCulture));
                            }
                            else
                            {
                                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at + 1), uint.Parse(s[11..], CultureInfo.InvariantCulture));
                            }

                            break;
                        }

                        at += r.Length;
                    }

                    break;
                default:
                    var (count, spec) = repeat.Success ? (int.Parse(repeat.Groups[1].Value, CultureInfo.InvariantCulture), repeat.Groups[2].Value) : (1, step);
                    for (var i = 0; i < count; i++)
                    {
                        // A holder's narrowing step, written from the document: bit 2 set, the restriction appended, the next chain tag.
                        var restriction = RestrictionBytes(spec);
                        var tag = new byte[TokenCodec.TagSize];
                        TokenRestrictionCodec.NextTag(bytes.AsSpan(bytes.Length - TokenCodec.TagSize), restriction, restriction[0] == 1 ? context : Array.Empty<byte>(), tag);
                        bytes = [.. bytes[..^TokenCodec.TagSize], .. restriction, .. tag];
                        bytes[1] |= TokenCodec.FlagRestricted;
                    }

                    break;
            }

            token = Base64Url.EncodeToString(bytes);
        }

        return token;
    }

    /// <summary>Signs an issue vector's inputs with any grants part, as a key holder can (the library's issuer writes only the kinds it defines).</summary>
    private static string Mint(string validId, byte[] grants)
    {
        var v = ValidVectors().Single(r => r[0] == validId);
        var issued = Base64Url.DecodeFromChars(TokenOf(validId));
        var keyId = int.Parse(v[2], CultureInfo.InvariantCulture);
        byte[] header = [.. issued[..^TokenCodec.TagSize], .. grants];
        header[1] |= TokenCodec.FlagGrants;
        var request = Request(v);
        var binds = BindsOf(v[1]);
        var canonical = InvitationCanonicalForm.ToArray(
            request.Channel.Bare,
            (binds & InvitationBinding.Inviter) != 0 ? request.Inviter?.Bare : null,
            (binds & InvitationBinding.Invitee) != 0 ? request.Invitee?.Bare : null);
        var channelKey = SpecMinter.ChannelKey(Convert.FromBase64String(Secrets[keyId]), request.Channel.Bare.ToString());
        byte[] input = [.. TokenCodec.MacLabel, .. header, .. canonical];
        var tag = HMACSHA256.HashData(channelKey, input)[..TokenCodec.TagSize];
        return Base64Url.EncodeToString([.. header, .. tag]);
    }

    private static List<byte[]> SplitChain(byte[] chain)
    {
        var restrictions = new List<byte[]>();
        for (var at = 0; at < chain.Length;)
        {
            var size = TokenRestrictionCodec.SizeOf((TokenRestrictionKind)chain[at]);
            restrictions.Add(chain[at..(at + size)]);
            at += size;
        }

        return restrictions;
    }

    /// <summary>The channel, inviter and invitee presented with an id's token: its issue vector's, the invitee a copy's own.</summary>
    private static (string Channel, string? Inviter, string? Invitee) Presented(string id)
    {
        var row = IssueRowOf(id);
        var invitee = NarrowedVectors().SingleOrDefault(r => r[0] == id) is { } n ? Cell(n[3]) : Cell(row[5]);
        return (Cell(row[3])!, Cell(row[4]), invitee);
    }

    private static string[] IssueRowOf(string id) => ValidVectors().Single(r => r[0] == IssueIdOf(RootOf(id)));

    /// <summary>The context of an invitee restriction: the UTF-8 of the presented invitee's canonical bare JID, or nothing.</summary>
    private static byte[] Context(string? invitee) => invitee is null ? [] : Jid.Parse(invitee).Bare.CanonicalText.ToArray();

    /// <summary>The issued token (V or G) a narrowed id goes back to.</summary>
    private static string RootOf(string id) => NarrowedVectors().SingleOrDefault(r => r[0] == id) is { } n ? RootOf(n[1]) : id;

    private static string IssueIdOf(string id) => GrantVectors().SingleOrDefault(r => r[0] == id) is { } g ? g[1] : id;

    private static InvitationService PresentationService(DateTimeOffset at) => PresentationService(new FakeTimeProvider(at));

    /// <summary>The presentation table's ring: key 1, and key 7 with its verify-until.</summary>
    private static InvitationService PresentationService(FakeTimeProvider time)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
        options.Keys.Add(new InvitationKeyOptions { Id = 7, Secret = TestKeys.Secret1, VerifyUntil = Key7VerifyUntil });
        return InvitationService.Create(options, time);
    }

    /// <summary>The length in parentheses of a cell such as <c>`AQAB…` (42)</c>.</summary>
    private static int LengthOf(string cell) => int.Parse(cell[(cell.LastIndexOf('(') + 1)..^1], CultureInfo.InvariantCulture);

    private static List<string[]> GrantVectors() => Table("grants");

    private static List<string[]> NarrowedVectors() => Table("narrowed");

    private static List<string[]> ChainVectors() => Table("chain");

    private static List<string[]> NarrowedPresentVectors() => Table("narrowed-present");

    private static List<string[]> LedgerVectors() => Table("ledger");
}
