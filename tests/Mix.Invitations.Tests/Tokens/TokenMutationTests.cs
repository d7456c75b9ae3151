using System.Buffers.Text;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>Forgery by mutation: no single change to a token or to a bound field is ever accepted.</summary>
public class TokenMutationTests
{
    public static TheoryData<string, int?> Shapes => new()
    {
        { BindingPolicies.InviteeBoundName, null },
        { BindingPolicies.InviterBoundName, null },
        { BindingPolicies.UnboundName, null },
        { BindingPolicies.InviteeBoundName, 5 },
        { BindingPolicies.UnboundName, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EverySingleBitFlipOfTheTokenBytes_IsRefused(string policy, int? maxUses)
    {
        var (service, invitation, context) = Issue(policy, maxUses);
        var bytes = Base64Url.DecodeFromChars(invitation.Token);
        var tried = 0;

        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var mutated = (byte[])bytes.Clone();
                mutated[i] ^= (byte)(1 << bit);
                var result = service.Check(invitation.WithToken(Base64Url.EncodeToString(mutated)), context);

                result.IsValid.Should().BeFalse($"byte {i} bit {bit} flipped");
                result.Reason.Should().BeOneOf(
                    [InvitationFailureReason.Malformed, InvitationFailureReason.UnsupportedVersion, InvitationFailureReason.UnknownKey, InvitationFailureReason.BadSignature],
                    "a forged token is refused before anything depending on its content");
                tried++;
            }
        }

        tried.Should().Be(bytes.Length * 8);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EverySingleBitFlipOfTheTokenText_IsRefused(string policy, int? maxUses)
    {
        var (service, invitation, context) = Issue(policy, maxUses);
        var text = invitation.Token;

        for (var i = 0; i < text.Length; i++)
        {
            for (var bit = 0; bit < 16; bit++)
            {
                var chars = text.ToCharArray();
                chars[i] = (char)(chars[i] ^ (1 << bit));
                service.Check(invitation.WithToken(new string(chars)), context).IsValid.Should().BeFalse($"char {i} bit {bit} flipped");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryCharacterReplacedByEveryOtherAlphabetCharacter_IsRefused(string policy, int? maxUses)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var (service, invitation, context) = Issue(policy, maxUses);
        var text = invitation.Token;

        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in Alphabet)
            {
                if (c == text[i])
                {
                    continue;
                }

                var mutated = string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1));
                service.Check(invitation.WithToken(mutated), context).IsValid.Should().BeFalse($"char {i} replaced by '{c}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TruncatedOrExtendedToken_IsMalformed(string policy, int? maxUses)
    {
        var (service, invitation, context) = Issue(policy, maxUses);
        var bytes = Base64Url.DecodeFromChars(invitation.Token);

        for (var length = 0; length < bytes.Length + 8; length++)
        {
            if (length == bytes.Length)
            {
                continue;
            }

            var resized = new byte[length];
            bytes.AsSpan(0, Math.Min(length, bytes.Length)).CopyTo(resized);
            var result = service.Check(invitation.WithToken(Base64Url.EncodeToString(resized)), context);

            result.Reason.Should().Be(InvitationFailureReason.Malformed, $"length {length} (tag of {length - (bytes.Length - 16)} bytes)");
        }
    }

    private static (InvitationService Service, Invitation Invitation, InvitationContext Context) Issue(string policy, int? maxUses)
    {
        var (service, _) = TestKeys.Service();
        var invitation = service.Issue(new InvitationIssueRequest
        {
            Channel = TestKeys.Channel,
            Inviter = TestKeys.Inviter,
            Invitee = TestKeys.Invitee,
            Policy = policy,
            MaxUses = maxUses,
        }).Invitation;
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        service.Check(invitation, context).IsValid.Should().BeTrue();
        return (service, invitation, context);
    }
}
