using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// The token id is what logs, telemetry and ledger keys carry, so it must reveal nothing that helps build the token.
/// It used to be the tag itself: with the rest of a plain token guessable, a log line rebuilt a working bearer link.
/// </summary>
public class TokenIdTests
{
    [Fact]
    public void TokenId_FromLogsChannelAndMinuteOfIssue_DoesNotRebuildTheToken()
    {
        // The attack of the outside review: the attacker read a token id in a log, knows the channel and the minute the
        // link was made, and guesses the rest of a plain unbound token (version, policy, key id, issued-at in that
        // minute, one of the usual lifetimes). With the id equal to the tag, one of these guesses was the token.
        var (service, time) = TestKeys.Service();
        time.Advance(TimeSpan.FromSeconds(17));
        var token = service.MintToken(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromDays(1) });
        var context = new InvitationContext { Channel = TestKeys.Channel };
        var id = new byte[16];
        service.CheckToken(token, context).Claims.TokenId.CopyTo(id);

        var minute = (uint)TestKeys.Epoch.ToUnixTimeSeconds();
        var guesses = 0;
        var trueHeaderGuessed = false;
        var actualHeader = Base64Url.DecodeFromChars(token)[..12];
        foreach (var keyId in new byte[] { 0, 1, 2 })
        {
            for (var second = 0u; second < 60; second++)
            {
                foreach (var lifetime in new uint[] { 3600, 86400, 604800, 2592000 })
                {
                    var header = SpecMinter.Header(3, keyId, minute + second, minute + second + lifetime);
                    trueHeaderGuessed |= header.AsSpan().SequenceEqual(actualHeader);
                    var guess = Base64Url.EncodeToString([.. header, .. id]);
                    service.CheckToken(guess, context).IsValid.Should().BeFalse("guess {0} must not be the token", guesses);
                    guesses++;
                }
            }
        }

        trueHeaderGuessed.Should().BeTrue("the guesses include the real header, so only the id keeps the token safe");
        guesses.Should().Be(720);
    }

    [Fact]
    public void TokenId_IsTheLabelledHashOfTheTag_NotTheTag()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound(maxUses: 3)).Invitation;
        var tag = Base64Url.DecodeFromChars(invitation.Token)[^16..];

        var claims = service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }).Claims;

        var expected = SHA256.HashData([.. "Mix.Invitations token id v1"u8, 0, .. tag])[..16];
        claims.TokenId.ToString().Should().Be(Convert.ToHexStringLower(expected));
        claims.TokenId.ToString().Should().NotBe(Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void TokenId_TwoUseLimitedTokensOfTheSameRequest_Differ()
    {
        var (service, _) = TestKeys.Service();
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

        var first = service.Check(service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation, context).Claims.TokenId;
        var second = service.Check(service.Issue(TestKeys.InviteeBound(maxUses: 1)).Invitation, context).Claims.TokenId;

        first.Should().NotBe(second);
    }

    [Fact]
    public void TokenId_OfClaimsBuiltWithAnExplicitId_IsThatId()
    {
        var id = new InvitationTokenId(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());

        var claims = new InvitationClaims("unbound", 3, 1, TestKeys.Epoch, TestKeys.Epoch.AddDays(1), TestKeys.Epoch.AddDays(1), 0, id, TestKeys.Channel, null, null);

        claims.TokenId.Should().Be(id);
    }

    [Fact]
    public async Task TokenId_ManyInTurnAndOnSeveralThreads_EachIsTheLabelledHashOfItsOwnTag()
    {
        // Each thread reuses one SHA-256 state for the ids: every id must come from a state fed nothing but its own tag
        // (a state not reset, or shared between threads, would mix one tag into the next), and the ids of narrowed
        // copies, under their own label, go through the same state.
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(
            () =>
            {
                for (var i = 0; i < 500; i++)
                {
                    var tag = RandomNumberGenerator.GetBytes(16);
                    InvitationTokenId.FromTag(tag).Should().Be(Expected("Mix.Invitations token id v1\0"u8, tag));
                    InvitationTokenId.FromChainTag(tag).Should().Be(Expected("Mix.Invitations narrowed id v1\0"u8, tag));
                }
            },
            TestContext.Current.CancellationToken));
        await Task.WhenAll(tasks);

        static InvitationTokenId Expected(ReadOnlySpan<byte> label, byte[] tag)
        {
            byte[] input = [.. label, .. tag];
            return new(SHA256.HashData(input).AsSpan(0, InvitationTokenId.Size));
        }
    }
}
