using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Tokens;

public class InvitationServiceValidateTests
{
    private static readonly InvitationContext AsInvitee = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

    [Fact]
    public void TryValidate_GenuineInvitation_ReturnsClaims()
    {
        var (service, time) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound(TimeSpan.FromHours(1))).Invitation;

        var result = service.Check(invitation, AsInvitee);

        result.IsValid.Should().BeTrue();
        result.Reason.Should().Be(InvitationFailureReason.None);
        result.Claims.Policy.Should().Be(BindingPolicies.InviteeBoundName);
        result.Claims.PolicyId.Should().Be(1);
        result.Claims.KeyId.Should().Be(1);
        result.Claims.IssuedAt.Should().Be(time.GetUtcNow());
        result.Claims.ExpiresAt.Should().Be(time.GetUtcNow().AddHours(1));
        result.Claims.MaxUses.Should().Be(0);
        result.Claims.IsUseLimited.Should().BeFalse();
        result.Claims.Channel.Should().Be(TestKeys.Channel);
        result.Claims.TokenId.ToString().Should().MatchRegex("^[0-9a-f]{32}$");
    }

    [Fact]
    public void TryValidate_OtherSpellingOfSameJids_IsValid()
    {
        var (service, _) = TestKeys.Service();
        var issued = service.Issue(TestKeys.InviteeBound()).Invitation;
        var presented = new Invitation(Jid.Parse("COVEN@mix.shakespeare.example."), issued.Token, Jid.Parse("Hag66@Shakespeare.Example"), Jid.Parse("CAT@shakespeare.example/phone"));

        service.Check(presented, new InvitationContext { Channel = Jid.Parse("coven@mix.shakespeare.example/x"), Joiner = Jid.Parse("cat@SHAKESPEARE.example/laptop") }).IsValid.Should().BeTrue();
    }

    [Fact]
    public void TryValidate_IssuedOnOneNode_ValidatesOnAnother()
    {
        var (nodeA, time) = TestKeys.Service();
        var nodeB = InvitationService.Create(TestKeys.Options(), time);

        nodeB.Check(nodeA.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee).IsValid.Should().BeTrue();
    }

    [Fact]
    public void TryValidateToken_BearerToken_ValidForAnyJoinerOfItsChannel()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName }).Invitation.Token;

        service.CheckToken(token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }).IsValid.Should().BeTrue();
        service.CheckToken(token, new InvitationContext { Channel = TestKeys.Channel }).IsValid.Should().BeTrue();
        service.CheckToken(token, new InvitationContext { Channel = TestKeys.OtherChannel }).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void TryValidateToken_TokenBindingAnInviter_IsRefusedWithoutTheInvitation()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(TestKeys.InviteeBound()).Invitation.Token;

        service.CheckToken(token, AsInvitee).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void TryValidate_BareTokenWithContextWithoutChannel_ThrowsNamingContext()
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.TryValidate(Invitation.FromToken(TestKeys.Channel, "AAAA"), default, out _);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
    }

    [Fact]
    public void TryValidate_ContextWithoutChannel_ThrowsNamingContext()
    {
        // The channel check cannot be skipped: a genuine invitation to A must never be validated without asking which
        // channel it was presented at.
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        var act = () => service.Check(invitation, default);

        act.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("context");
    }

    [Fact]
    public void InvitationContext_EmptyChannelOrJoiner_ThrowsNamingTheMember()
    {
        var noChannel = () => new InvitationContext { Channel = default, Joiner = TestKeys.Invitee };
        var emptyJoiner = () => new InvitationContext { Channel = TestKeys.Channel, Joiner = default(Jid) };

        noChannel.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(InvitationContext.Channel));
        emptyJoiner.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(nameof(InvitationContext.Joiner));
    }

    [Fact]
    public void InvitationContext_NamesBothAddresses_AndKeepsTheirBareForms()
    {
        // Named members: the channel (the stanza's to) and the joiner (its from) cannot be swapped by position, and
        // the type has no constructor that takes them positionally.
        typeof(InvitationContext).GetConstructors().Should().BeEmpty("a positional constructor would let two JIDs be swapped silently");
        typeof(InvitationContext).GetProperty(nameof(InvitationContext.Channel))!
            .GetCustomAttributes(typeof(System.Runtime.CompilerServices.RequiredMemberAttribute), false).Should().NotBeEmpty("the channel is a required member");

        var context = new InvitationContext { Channel = Jid.Parse("coven@mix.shakespeare.example/x"), Joiner = Jid.Parse("cat@shakespeare.example/phone") };

        context.Channel.Should().Be(TestKeys.Channel);
        context.Joiner.Should().Be(TestKeys.Invitee);
        new InvitationContext { Channel = TestKeys.Channel }.Joiner.Should().BeNull();
    }

    [Fact]
    public void Validate_Refused_ThrowsWithReasonAndNoToken()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        var act = () => service.Validate(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });

        var thrown = act.Should().Throw<InvitationValidationException>().Which;
        thrown.Reason.Should().Be(InvitationFailureReason.InviteeMismatch);
        thrown.Message.Should().NotContain(invitation.Token);
    }

    [Fact]
    public void TryValidate_InviteeBoundPresentedByAnyOtherJoiner_IsRefused()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        foreach (var joiner in new[] { "rat@shakespeare.example", "cat@shakespeare.example.org", "cat@mix.shakespeare.example", "shakespeare.example", "cat2@shakespeare.example" })
        {
            service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = Jid.Parse(joiner) }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch, joiner);
        }

        service.Check(invitation, new InvitationContext { Channel = TestKeys.Channel }).Reason.Should().Be(InvitationFailureReason.InviteeMismatch, "an unknown joiner is not the invitee");
    }

    [Fact]
    public void TryValidate_TokenOfChannelAPresentedForChannelB_IsRefused()
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;

        var movedToB = new Invitation(TestKeys.OtherChannel, invitation.Token, invitation.Inviter, invitation.Invitee);
        service.Check(movedToB, new InvitationContext { Channel = TestKeys.OtherChannel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.BadSignature);
        service.Check(invitation, new InvitationContext { Channel = TestKeys.OtherChannel, Joiner = TestKeys.Invitee }).Reason.Should().Be(InvitationFailureReason.ChannelMismatch);
    }

    [Fact]
    public void TryValidate_PolicyDisabledAfterIssue_IsRefusedAsPolicyDisabled()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var issuer = InvitationService.Create(TestKeys.Options(), time);
        var validator = InvitationService.Create(TestKeys.Options(o => o.EnabledPolicies = [BindingPolicies.InviteeBoundName]), time);
        var bearer = issuer.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName }).Invitation;

        validator.CheckToken(bearer.Token, new InvitationContext { Channel = TestKeys.Channel }).Reason.Should().Be(InvitationFailureReason.PolicyDisabled);
    }

    [Fact]
    public void TryValidate_ForgedTokenOutsideItsWindowOrForOtherJoiner_IsBadSignatureNeverExpiredOrMismatch()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var forger = InvitationService.Create(TestKeys.Options(o => o.Keys[0].Secret = TestKeys.Secret1), time);
        var victim = InvitationService.Create(TestKeys.Options(), time);
        var forged = forger.Issue(TestKeys.InviteeBound(TimeSpan.FromMinutes(1))).Invitation;

        victim.Check(forged, new InvitationContext { Channel = TestKeys.OtherChannel, Joiner = TestKeys.Stranger }).Reason.Should().Be(InvitationFailureReason.BadSignature);
        time.Advance(TimeSpan.FromDays(1));
        victim.Check(forged, AsInvitee).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void TryValidate_UnknownKeyOutsideItsWindow_IsUnknownKeyNotExpired()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var other = InvitationService.Create(TestKeys.Options(o => o.Keys[0].Id = 2), time);
        var service = InvitationService.Create(TestKeys.Options(), time);
        var invitation = other.Issue(TestKeys.InviteeBound(TimeSpan.FromMinutes(1))).Invitation;
        time.Advance(TimeSpan.FromDays(1));

        service.Check(invitation, AsInvitee).Reason.Should().Be(InvitationFailureReason.UnknownKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g==")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g\n")]
    [InlineData(" AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0n gEnFe2qdh3C00g")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00g=")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00h")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00j")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C0")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00gAA")]
    [InlineData("AQABAWlVuQBpXvOARQVcud0ngEnFe2qdh3C00gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("A")]
    [InlineData("AQ")]
    public void TryValidate_NonCanonicalOrWronglySizedToken_IsMalformed(string token)
    {
        var (service, _) = TestKeys.Service();
        var invitation = new Invitation(TestKeys.Channel, token, TestKeys.Inviter, TestKeys.Invitee);

        service.Check(invitation, AsInvitee).Reason.Should().Be(InvitationFailureReason.Malformed);
    }

    [Theory]
    [InlineData(null, 38, 16)]
    [InlineData(5, 51, 4)]
    public void TryValidate_EachLastCharacter_OnlyThoseWithZeroUnusedBitsDecode(int? maxUses, int length, int step)
    {
        // A token of 28 bytes leaves 4 bits of its 38th character unused, one of 38 bytes 2 bits of its 51st: a last
        // character whose unused bits are not zero is a second spelling of the same bytes, refused as malformed; one
        // whose unused bits are zero but which differs is a different tag, refused as a bad signature.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var (service, _) = TestKeys.Service();
        var token = service.MintToken(TestKeys.InviteeBound(maxUses: maxUses));
        token.Should().HaveLength(length);

        for (var value = 0; value < 64; value++)
        {
            var variant = token[..^1] + alphabet[value];
            var expected = variant == token ? InvitationFailureReason.None
                : value % step == 0 ? InvitationFailureReason.BadSignature
                : InvitationFailureReason.Malformed;
            service.Check(new Invitation(TestKeys.Channel, variant, TestKeys.Inviter, TestKeys.Invitee), AsInvitee)
                .Reason.Should().Be(expected, $"last character '{alphabet[value]}' (value {value})");
        }
    }

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    public void TryValidate_StandardBase64CharacterInsteadOfUrlSafe_IsMalformed(char standard)
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(TestKeys.InviteeBound()).Invitation.Token;

        foreach (var position in new[] { 0, token.Length / 2, token.Length - 1 })
        {
            var variant = string.Concat(token.AsSpan(0, position), standard.ToString(), token.AsSpan(position + 1));
            service.Check(new Invitation(TestKeys.Channel, variant, TestKeys.Inviter, TestKeys.Invitee), AsInvitee).Reason.Should().Be(InvitationFailureReason.Malformed);
        }
    }

    [Fact]
    public void TryValidate_UnregisteredPolicyId_IsMalformed()
    {
        var (service, _) = TestKeys.Service();
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(service.Issue(TestKeys.InviteeBound()).Invitation.Token);
        bytes[2] = 200;

        var result = service.Check(new Invitation(TestKeys.Channel, System.Buffers.Text.Base64Url.EncodeToString(bytes), TestKeys.Inviter, TestKeys.Invitee), AsInvitee);

        result.Reason.Should().Be(InvitationFailureReason.Malformed);
    }

    [Fact]
    public void TryValidate_PolicyIdSwappedToAWeakerPolicy_IsBadSignature()
    {
        var (service, _) = TestKeys.Service();
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(service.Issue(TestKeys.InviteeBound()).Invitation.Token);
        bytes[2] = 3; // unbound

        var result = service.Check(new Invitation(TestKeys.Channel, System.Buffers.Text.Base64Url.EncodeToString(bytes), TestKeys.Inviter, TestKeys.Invitee), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger });

        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void TryValidate_NullInvitation_ThrowsArgumentNull()
    {
        var (service, _) = TestKeys.Service();

        var act = () => service.Check(null!, AsInvitee);

        act.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("invitation");
    }
}
