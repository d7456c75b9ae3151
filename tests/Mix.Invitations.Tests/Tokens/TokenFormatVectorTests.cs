using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// Checks every vector of docs/token-format.md (read from the document itself, so the two cannot drift). The same
/// vectors were computed independently by tools/token-vectors/reference.py.
/// </summary>
public class TokenFormatVectorTests
{
    private static readonly Dictionary<int, string> Secrets = new()
    {
        [1] = TestKeys.Secret0,
        [7] = TestKeys.Secret1,
    };

    public static TheoryData<string> ValidIds => new(ValidVectors().Select(v => v[0]));

    public static TheoryData<string> RefusedIds => new(RefusedVectors().Select(v => v[0]));

    [Fact]
    public void Document_HoldsAtLeastEightVectorsOfEachKind()
    {
        ValidVectors().Should().HaveCountGreaterThanOrEqualTo(8);
        RefusedVectors().Should().HaveCountGreaterThanOrEqualTo(8);
    }

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void Issue_DocumentedInputs_GivesDocumentedToken(string id)
    {
        var v = ValidVectors().Single(r => r[0] == id);
        var (policy, keyId, channel, inviter, invitee) = (v[1], int.Parse(v[2], CultureInfo.InvariantCulture), v[3], Optional(v[4]), Optional(v[5]));
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(v[6], CultureInfo.InvariantCulture));
        var lifetime = TimeSpan.FromSeconds(int.Parse(v[7], CultureInfo.InvariantCulture));
        var nonce = v[8] == "-" ? null : Convert.FromHexString(v[8]);
        int? maxUses = v[9] == "-" ? null : int.Parse(v[9], CultureInfo.InvariantCulture);
        var expected = v[10].Split('`')[1];

        var time = new FakeTimeProvider(issuedAt);
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = keyId, Secret = Secrets[keyId] });
        var service = InvitationService.Create(options, time);
        if (nonce is not null)
        {
            service.NonceSource = span => nonce.CopyTo(span);
        }

        var invitation = service.Issue(new InvitationRequest
        {
            Channel = Jid.Parse(channel),
            Inviter = inviter is null ? null : Jid.Parse(inviter),
            Invitee = invitee is null ? null : Jid.Parse(invitee),
            Policy = policy,
            Lifetime = lifetime,
            MaxUses = maxUses,
        });

        invitation.Token.Should().Be(expected);
        time.Advance(TimeSpan.FromSeconds(1));
        var joiner = invitee is null ? Jid.Parse("anyone@example.net") : Jid.Parse(invitee);
        var result = service.TryValidate(invitation, new InvitationContext(joiner, invitation.Channel));
        result.IsValid.Should().BeTrue();
        result.Claims.TokenId.ToString().Should().Be(v[11].Trim('`'), "the document gives each vector's token id");
    }

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void TokenId_OfEveryVector_IsNeitherTheTagNorAnyPartOfTheToken(string id)
    {
        var v = ValidVectors().Single(r => r[0] == id);
        var token = Convert.FromBase64String(ToBase64(v[10].Split('`')[1]));
        var tokenId = Convert.FromHexString(v[11].Trim('`'));

        tokenId.Should().NotEqual(token[^16..], "the id used to be the tag, which rebuilt bearer tokens from logs");
        for (var i = 0; i + 4 <= token.Length; i++)
        {
            tokenId.AsSpan().IndexOf(token.AsSpan(i, 4)).Should().Be(-1, "no four consecutive bytes of the token appear in its id");
        }
    }

    [Theory]
    [MemberData(nameof(RefusedIds))]
    public void Validate_DocumentedRefusal_GivesDocumentedReason(string id)
    {
        var v = RefusedVectors().Single(r => r[0] == id);
        var token = v[1].Trim('`');
        var (channel, inviter, invitee, joiner, addressed) = (v[2], Optional(v[3]), Optional(v[4]), v[5], v[6]);
        var at = DateTimeOffset.FromUnixTimeSeconds(long.Parse(v[7], CultureInfo.InvariantCulture));
        var reason = Enum.Parse<InvitationFailureReason>(v[8]);

        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 });
        var service = InvitationService.Create(options, new FakeTimeProvider(at));
        var invitation = new Invitation(
            Jid.Parse(channel),
            token,
            inviter is null ? null : Jid.Parse(inviter),
            invitee is null ? null : Jid.Parse(invitee));

        var result = service.TryValidate(invitation, new InvitationContext(Jid.Parse(joiner), Jid.Parse(addressed)));

        result.Reason.Should().Be(reason, v[9]);
    }

    private static string? Optional(string cell) => cell == "-" ? null : cell;

    private static string ToBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }

    private static List<string[]> ValidVectors() => Table("valid");

    private static List<string[]> RefusedVectors() => Table("refused");

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
}
