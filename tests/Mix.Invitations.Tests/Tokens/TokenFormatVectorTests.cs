using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// Checks every vector of docs/token-format.md — the issue, presentation, intermediate-value and channel-epoch tables —
/// read from the document itself, so the two cannot drift. The same vectors are checked independently by
/// tools/token-vectors/reference.py, which CI runs over the document.
/// </summary>
public partial class TokenFormatVectorTests
{
    private static readonly Dictionary<int, string> Secrets = new()
    {
        [1] = TestKeys.Secret0,
        [7] = TestKeys.Secret1,
    };

    /// <summary>The verify-until date of key 7 in the ring the presentation table is validated with.</summary>
    private static readonly DateTimeOffset Key7VerifyUntil = DateTimeOffset.FromUnixTimeSeconds(1767231000);

    private static readonly string[] IntermediateValues = ["PRK", "info", "channel key", "MAC input", "HMAC", "token id"];

    public static TheoryData<string> ValidIds => new(ValidVectors().Select(v => v[0]));

    public static TheoryData<string> IssuedIds => new(ValidVectors().Where(v => v[10] != "refused").Select(v => v[0]));

    public static TheoryData<string> PresentedIds => new(PresentedVectors().Select(v => v[0]));

    public static TheoryData<string> IntermediateIds => new(IntermediateVectors().Select(v => v[0]).Distinct());

    public static TheoryData<string> EpochIds => new(EpochVectors().Select(v => v[0]));

    [Fact]
    public void Document_HoldsTheVectorsIssue16AsksFor()
    {
        (ValidVectors().Count + PresentedVectors().Count).Should().BeGreaterThanOrEqualTo(30, "the two main tables hold at least 30 vectors");
        ValidVectors().Should().Contain(v => v[10] == "refused", "issues that must fail are vectors too");
        PresentedVectors().Should().Contain(v => v[8] == "None", "acceptance just inside each boundary is shown");
        foreach (var id in new[] { "V1", "V7" })
        {
            IntermediateVectors().Where(v => v[0] == id).Select(v => v[1]).Should().BeEquivalentTo(IntermediateValues, $"{id}'s intermediate values are all given");
        }

        EpochVectors().Should().Contain(v => v[2] == "0", "epoch 0 is the plain channel key").And.HaveCountGreaterThanOrEqualTo(4);
    }

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void Issue_DocumentedInputs_GivesDocumentedTokenOrIsRefused(string id)
    {
        var v = ValidVectors().Single(r => r[0] == id);
        var (service, time) = IssuingService(v);

        if (v[10] == "refused")
        {
            // Parsing the JIDs is part of issuing from text: a JID the rules refuse is refused here too.
            var issue = () => service.Issue(Request(v)).Invitation;
            var thrown = issue.Should().Throw<Exception>("the document says the issuer must refuse these inputs").Which;
            (thrown is ArgumentException or InvalidOperationException or FormatException).Should().BeTrue($"a refused request throws a request or format error, not {thrown.GetType().Name}");
            v[11].Should().Be("-");
            return;
        }

        var issued = service.Issue(Request(v));
        var invitation = issued.Invitation;

        invitation.Token.Should().Be(Code(v[10]));
        time.Advance(TimeSpan.FromSeconds(1));
        var joiner = invitation.Invitee ?? Jid.Parse("anyone@example.net");
        var result = service.Check(invitation, new InvitationContext { Channel = invitation.Channel, Joiner = joiner });
        result.IsValid.Should().BeTrue();
        result.Claims.TokenId.ToString().Should().Be(Code(v[11]), "the document gives each vector's token id");

        // The unverified header reads what validation verified, and issuing said so without validating.
        InvitationTokenHeader.TryRead(invitation.Token, out var header).Should().BeTrue();
        (header.Version, header.PolicyId, header.KeyId, header.IssuedAt, header.ExpiresAt, header.MaxUses)
            .Should().Be((1, result.Claims.PolicyId, result.Claims.KeyId, result.Claims.IssuedAt, result.Claims.ExpiresAt, result.Claims.MaxUses));
        (issued.Claims.Policy, issued.Claims.KeyId, issued.Claims.IssuedAt, issued.Claims.ExpiresAt, issued.Claims.MaxUses, issued.Claims.TokenId)
            .Should().Be((result.Claims.Policy, result.Claims.KeyId, result.Claims.IssuedAt, result.Claims.ExpiresAt, result.Claims.MaxUses, result.Claims.TokenId));
    }

    [Theory]
    [MemberData(nameof(IssuedIds))]
    public void TokenId_OfEveryVector_IsNeitherTheTagNorAnyPartOfTheToken(string id)
    {
        var v = ValidVectors().Single(r => r[0] == id);
        var token = Decode(Code(v[10]));
        var tokenId = Convert.FromHexString(Code(v[11]));

        tokenId.Should().NotEqual(token[^16..], "the id used to be the tag, which rebuilt bearer tokens from logs");
        for (var i = 0; i + 4 <= token.Length; i++)
        {
            tokenId.AsSpan().IndexOf(token.AsSpan(i, 4)).Should().Be(-1, "no four consecutive bytes of the token appear in its id");
        }
    }

    [Theory]
    [MemberData(nameof(PresentedIds))]
    public void Validate_DocumentedPresentation_GivesDocumentedReason(string id)
    {
        var v = PresentedVectors().Single(r => r[0] == id);
        var token = Code(v[1]);
        var (channel, inviter, invitee, joiner, addressed) = (Cell(v[2])!, Cell(v[3]), Cell(v[4]), Cell(v[5]), Cell(v[6])!);
        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(v[7], CultureInfo.InvariantCulture));
        var reason = Enum.Parse<InvitationFailureReason>(v[8]);

        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
        options.Keys.Add(new InvitationKeyOptions { Id = 7, Secret = TestKeys.Secret1, VerifyUntil = Key7VerifyUntil });
        var service = InvitationService.Create(options, new FakeTimeProvider(at));
        var invitation = new Invitation(
            Jid.Parse(channel),
            token,
            inviter is null ? null : Jid.Parse(inviter),
            invitee is null ? null : Jid.Parse(invitee));

        var result = service.Check(invitation, new InvitationContext { Channel = Jid.Parse(addressed), Joiner = joiner is null ? null : Jid.Parse(joiner) });

        result.Reason.Should().Be(reason, v[9]);

        // The unverified header reader refuses exactly the tokens whose structure or version validation refuses
        // (an unknown policy id is Malformed to validation, but reads as a header).
        var headerRead = InvitationTokenHeader.TryRead(token, out _);
        if (!headerRead)
        {
            reason.Should().BeOneOf(InvitationFailureReason.Malformed, InvitationFailureReason.UnsupportedVersion);
        }

        if (reason == InvitationFailureReason.UnsupportedVersion)
        {
            headerRead.Should().BeFalse();
        }
    }

    [Theory]
    [MemberData(nameof(IntermediateIds))]
    public void Intermediates_OfDocumentedVector_AreTheLibrarysOwn(string id)
    {
        var v = ValidVectors().Single(r => r[0] == id);
        var expected = IntermediateVectors().Where(r => r[0] == id).ToDictionary(r => r[1], r => Convert.FromHexString(Code(r[2])));
        var request = Request(v);
        var keyId = int.Parse(v[2], CultureInfo.InvariantCulture);
        var ring = KeyRingOptions.Build([new InvitationKeyOptions { Id = keyId, Secret = Secrets[keyId] }]);
        var entry = ring.Find(keyId)!;
        var channel = request.Channel.Bare;
        var token = Decode(Code(v[10]));

        entry.Prk.Should().Equal(expected["PRK"], "PRK = HKDF-Extract(salt = label, IKM = ring secret)");
        byte[] info = [.. "Mix.Invitations channel key v1"u8, 0, .. Encoding.UTF8.GetBytes(channel.ToString())];
        expected["info"].Should().Equal(info, "info = label || 0x00 || UTF-8(channel)");
        var channelKey = new byte[32];
        ChannelKeyDerivation.Derive(entry, channel, default, channelKey);
        channelKey.Should().Equal(expected["channel key"]);
        HKDF.Expand(HashAlgorithmName.SHA256, expected["PRK"], 32, expected["info"]).Should().Equal(channelKey, "the documented PRK and info give the documented key");

        var header = token[..^TokenCodec.TagSize];
        var macInput = new byte[TokenCodec.MacLabel.Length + header.Length];
        TokenCodec.WriteMacPrefix(header, macInput);
        var binds = BindsOf(v[1]);
        var canonical = InvitationCanonicalForm.ToArray(
            channel,
            (binds & InvitationBinding.Inviter) != 0 ? request.Inviter?.Bare : null,
            (binds & InvitationBinding.Invitee) != 0 ? request.Invitee?.Bare : null);
        macInput.Concat(canonical).Should().Equal(expected["MAC input"], "MAC input = label || header || canonical form");

        var hmac = HMACSHA256.HashData(channelKey, expected["MAC input"]);
        hmac.Should().Equal(expected["HMAC"]);
        hmac[..TokenCodec.TagSize].Should().Equal(token[^TokenCodec.TagSize..], "the tag is the first 16 bytes of the HMAC");
        InvitationTokenId.FromTag(hmac.AsSpan(0, TokenCodec.TagSize)).ToString().Should().Be(Convert.ToHexStringLower(expected["token id"])).And.Be(Code(v[11]));
    }

    [Theory]
    [MemberData(nameof(EpochIds))]
    public void Issue_UnderDocumentedChannelEpoch_GivesDocumentedKeyAndToken(string id)
    {
        var e = EpochVectors().Single(r => r[0] == id);
        var v = ValidVectors().Single(r => r[0] == e[1]);
        var epoch = uint.Parse(e[2], CultureInfo.InvariantCulture);
        var provider = new EpochChannelKeyProvider(epoch);
        var (service, time) = IssuingService(v, provider);

        var invitation = service.Issue(Request(v)).Invitation;

        provider.ExtraInfo.Should().Equal(e[3] == "-" ? Array.Empty<byte>() : Convert.FromHexString(Code(e[3]))[1..], "DeriveDefault inserts the 0x00 before the epoch itself");
        provider.LastKey.Should().Equal(Convert.FromHexString(Code(e[4])));
        invitation.Token.Should().Be(Code(e[5]));

        time.Advance(TimeSpan.FromSeconds(1));
        var context = new InvitationContext { Channel = invitation.Channel, Joiner = invitation.Invitee ?? Jid.Parse("anyone@example.net") };
        service.Check(invitation, context).IsValid.Should().BeTrue();
        var (plain, _) = IssuingService(v, null, time);
        plain.Check(invitation, context).Reason.Should().Be(
            epoch == 0 ? InvitationFailureReason.None : InvitationFailureReason.BadSignature,
            "epoch 0 is the plain key; any other epoch's tokens fail under it");
    }

    private static (InvitationService Service, FakeTimeProvider Time) IssuingService(string[] v, IChannelKeyProvider? keyProvider = null, FakeTimeProvider? time = null)
    {
        var keyId = int.Parse(v[2], CultureInfo.InvariantCulture);
        time ??= new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(long.Parse(v[6], CultureInfo.InvariantCulture)));
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = keyId, Secret = Secrets[keyId] });
        IInvitationBindingPolicy[]? custom = CustomPolicyCell().Match(v[1]) is { Success: true } m
            ? [new CustomPolicy(byte.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), BindsOf(v[1]))]
            : null;
        var service = InvitationService.Create(options, time, custom, keyProvider);
        if (v[8] != "-")
        {
            var nonce = Convert.FromHexString(v[8]);
            service.NonceSource = span => nonce.CopyTo(span);
        }

        return (service, time);
    }

    /// <summary>The issue request of a row of the issue table, its JIDs parsed from the text as given.</summary>
    private static InvitationIssueRequest Request(string[] v) => new()
    {
        Channel = Jid.Parse(Cell(v[3])!),
        Inviter = Cell(v[4]) is { } inviter ? Jid.Parse(inviter) : null,
        Invitee = Cell(v[5]) is { } invitee ? Jid.Parse(invitee) : null,
        Policy = CustomPolicyCell().Match(v[1]) is { Success: true } m ? "custom-" + m.Groups[1].Value : v[1],
        Lifetime = TimeSpan.FromSeconds(long.Parse(v[7], CultureInfo.InvariantCulture)),
        MaxUses = v[9] == "-" ? null : int.Parse(v[9], CultureInfo.InvariantCulture),
    };

    private static InvitationBinding BindsOf(string policyCell)
    {
        if (CustomPolicyCell().Match(policyCell) is { Success: true } m)
        {
            var binds = InvitationBinding.Channel;
            foreach (var field in m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries))
            {
                binds |= Enum.Parse<InvitationBinding>(field, ignoreCase: true);
            }

            return binds;
        }

        return BindingPolicies.BuiltIn.Single(p => p.Name == policyCell).Binds;
    }

    /// <summary>A JID cell: "-" is absent, and \u{XXXX} stands for the code point U+XXXX.</summary>
    private static string? Cell(string cell) => cell == "-" ? null : CodePointEscape().Replace(cell, m => char.ConvertFromUtf32(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));

    /// <summary>The text between the backticks of a cell such as <c>`AQAB…` (38)</c>.</summary>
    private static string Code(string cell) => cell.Split('`')[1];

    private static byte[] Decode(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
    }

    private static List<string[]> ValidVectors() => Table("valid");

    /// <summary>The "Tokens to present" table; its markers keep the first edition's name, which outside parsers look for.</summary>
    private static List<string[]> PresentedVectors() => Table("refused");

    private static List<string[]> IntermediateVectors() => Table("intermediate");

    private static List<string[]> EpochVectors() => Table("epoch");

    /// <summary>Reads the rows between &lt;!-- vectors:NAME --&gt; and its closing marker, skipping the header rows.</summary>
    private static List<string[]> Table(string name)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "docs", "token-format.md"));
        var start = text.IndexOf($"<!-- vectors:{name} -->", StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- /vectors:{name} -->", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0);
        return text[start..end]
            .Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| id ", StringComparison.Ordinal))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();
    }

    [GeneratedRegex(@"^custom (\d+): (.+)$")]
    private static partial Regex CustomPolicyCell();

    [GeneratedRegex(@"\\u\{([0-9A-Fa-f]{4,6})\}")]
    private static partial Regex CodePointEscape();

    /// <summary>A custom policy as a policy cell describes it: an id and the fields it binds; anyone may redeem.</summary>
    private sealed class CustomPolicy(byte id, InvitationBinding binds) : IInvitationBindingPolicy
    {
        public byte Id => id;

        public string Name => "custom-" + id.ToString(CultureInfo.InvariantCulture);

        public InvitationBinding Binds => binds;

        public void ValidateRequest(InvitationIssueRequest request)
        {
        }

        public bool IsRedeemableBy(in InvitationBindingContext context) => true;
    }

    /// <summary>
    /// The channel epoch convention of docs/token-format.md §4: epoch 0 is the plain derivation, any other epoch is
    /// appended to the HKDF info as 0x00 || uint32 big-endian (DeriveDefault writes the 0x00).
    /// </summary>
    private sealed class EpochChannelKeyProvider(uint epoch) : IChannelKeyProvider
    {
        public byte[] ExtraInfo { get; } = epoch == 0 ? [] : BigEndian(epoch);

        public byte[] LastKey { get; private set; } = [];

        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination)
        {
            var written = context.DeriveDefault(destination, ExtraInfo);
            LastKey = destination[..written].ToArray();
            return written;
        }

        private static byte[] BigEndian(uint value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return bytes;
        }
    }
}
