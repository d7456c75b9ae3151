using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Keys;

public class KeyRingTests
{
    private static readonly InvitationContext AsInvitee = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
    private static readonly DateTimeOffset Switch = TestKeys.Epoch.AddDays(10);
    private static readonly DateTimeOffset OldVerifyUntil = Switch.AddDays(30);

    [Fact]
    public void Rotation_NewestActiveKeySigns_OldKeyVerifiesUntilItsVerifyUntilAndNotAfter()
    {
        var options = RotatingRing();
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var service = InvitationService.Create(options, time);

        var beforeSwitch = service.Issue(TestKeys.InviteeBound(TimeSpan.FromDays(30))).Invitation;
        service.Validate(beforeSwitch, AsInvitee).KeyId.Should().Be(1);

        time.SetUtcNow(Switch);
        var afterSwitch = service.Issue(TestKeys.InviteeBound()).Invitation;
        service.Validate(afterSwitch, AsInvitee).KeyId.Should().Be(2);

        // The old key's token is still within its own lifetime here; only the key's verify-until can end it early.
        var longLived = InvitationService.Create(RotatingRing(), new FakeTimeProvider(Switch.AddTicks(-1))).Issue(TestKeys.InviteeBound(TimeSpan.FromDays(30))).Invitation;
        ValidateAt(longLived, OldVerifyUntil.AddTicks(-1)).Should().Be(InvitationFailureReason.None);
        ValidateAt(longLived, OldVerifyUntil).Should().Be(InvitationFailureReason.UnknownKey);
    }

    [Fact]
    public void SigningKey_TwoKeysActive_LatestActiveFromWins()
    {
        var options = TestKeys.Options(o =>
        {
            o.Keys[0].ActiveFrom = TestKeys.Epoch.AddDays(-2);
            o.Keys.Add(new InvitationKeyOptions { Id = 0, Secret = TestKeys.Secret1, ActiveFrom = TestKeys.Epoch.AddDays(-1) });
        });
        var service = InvitationService.Create(options, new FakeTimeProvider(TestKeys.Epoch));

        service.Validate(service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee).KeyId.Should().Be(0);
    }

    [Fact]
    public void Validation_KeyFoundById_OtherKeysSecretCannotVerify()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var signer = InvitationService.Create(TestKeys.Options(), time);
        var swapped = InvitationService.Create(TestKeys.Options(o => o.Keys[0].Secret = TestKeys.Secret1), time);

        swapped.Check(signer.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Theory]
    [InlineData("c2hvcnQ=", "Secret is 5 bytes; at least 32")]
    [InlineData("not base64 at all!", "Secret is not valid base64")]
    [InlineData("", "Secret is empty")]
    public void Create_BadSecret_ThrowsNamingKeyNeverTheSecret(string secret, string message)
    {
        var options = TestKeys.Options(o => o.Keys[0].Secret = secret);

        var act = () => InvitationService.Create(options);

        // Create runs the options validators, so it fails as dependency injection does at start.
        var thrown = act.Should().Throw<OptionsValidationException>().Which;
        thrown.Message.Should().Contain("id 1").And.Contain(message);
        if (secret.Length > 0)
        {
            thrown.Message.Should().NotContain(secret);
        }
    }

    [Fact]
    public void Secret_UrlSafeBase64WithoutPadding_IsAccepted()
    {
        var urlSafe = TestKeys.Secret1.TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var a = InvitationService.Create(TestKeys.Options(o => o.Keys[0].Secret = TestKeys.Secret1), time);
        var b = InvitationService.Create(TestKeys.Options(o => o.Keys[0].Secret = urlSafe), time);

        b.Check(a.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee).IsValid.Should().BeTrue();
    }

    [Fact]
    public void ChannelKeyProvider_EpochBumped_RevokesEveryPendingInvitationOfThatChannelOnly()
    {
        var provider = new EpochProvider();
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var service = InvitationService.Create(TestKeys.Options(), time, channelKeyProvider: provider);
        var coven = service.Issue(TestKeys.InviteeBound()).Invitation;
        var other = service.Issue(new InvitationIssueRequest { Channel = TestKeys.OtherChannel, Invitee = TestKeys.Invitee }).Invitation;

        provider.Bump(TestKeys.Channel);
        service.InvalidateChannelKeys(TestKeys.Channel);

        service.Check(coven, AsInvitee).Reason.Should().Be(InvitationFailureReason.BadSignature);
        service.Check(other, new InvitationContext { Channel = TestKeys.OtherChannel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue();
        service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee).IsValid.Should().BeTrue("new invitations use the new epoch");
    }

    [Fact]
    public void ChannelKeyProvider_CachedKeyAgesOut_NewEpochReachesNodeWithoutInvalidate()
    {
        var provider = new EpochProvider();
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var service = InvitationService.Create(TestKeys.Options(o => o.ChannelKeyCacheLifetime = TimeSpan.FromMinutes(1)), time, channelKeyProvider: provider);
        var invitation = service.Issue(TestKeys.InviteeBound()).Invitation;
        provider.Bump(TestKeys.Channel);

        service.Check(invitation, AsInvitee).IsValid.Should().BeTrue("the cached key is still in use");
        time.Advance(TimeSpan.FromMinutes(1));
        service.Check(invitation, AsInvitee).Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Fact]
    public void ChannelKeyProvider_ReturnsTooShortKey_ThrowsInvalidOperation()
    {
        var service = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch), channelKeyProvider: new ShortKeyProvider());

        var act = () => service.Issue(TestKeys.InviteeBound()).Invitation;

        act.Should().Throw<InvalidOperationException>().WithMessage("*32 to 64 bytes*");
    }

    [Fact]
    public void ChannelKeyContext_WithoutRingKey_CannotDeriveDefault()
    {
        var context = new ChannelKeyContext(1, TestKeys.Channel);

        var act = () => context.DeriveDefault(new byte[32]);

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void ChannelKeyCache_MoreChannelsThanCapacity_StaysBoundedAndCorrect()
    {
        var service = InvitationService.Create(TestKeys.Options(o => o.ChannelKeyCacheSize = 8), new FakeTimeProvider(TestKeys.Epoch));
        var invitations = Enumerable.Range(0, 50)
            .Select(i => service.Issue(new InvitationIssueRequest { Channel = Jid.Parse($"room{i}@mix.example"), Invitee = TestKeys.Invitee }).Invitation)
            .ToList();

        foreach (var invitation in invitations)
        {
            service.Check(invitation, new InvitationContext { Channel = invitation.Channel, Joiner = TestKeys.Invitee }).IsValid.Should().BeTrue();
        }

        service.CachedChannelKeyCount.Should().BeLessThanOrEqualTo(8);
    }

    private static MixInvitationOptions RotatingRing()
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0, SignUntil = Switch, VerifyUntil = OldVerifyUntil });
        options.Keys.Add(new InvitationKeyOptions { Id = 2, Secret = TestKeys.Secret1, ActiveFrom = Switch });
        return options;
    }

    private static InvitationFailureReason ValidateAt(Invitation invitation, DateTimeOffset at) =>
        InvitationService.Create(RotatingRing(), new FakeTimeProvider(at)).Check(invitation, AsInvitee).Reason;

    /// <summary>A server's epoch-based provider: the default derivation with the channel's epoch appended.</summary>
    private sealed class EpochProvider : IChannelKeyProvider
    {
        private readonly Dictionary<Jid, int> _epochs = [];

        public void Bump(Jid channel)
        {
            lock (_epochs)
            {
                _epochs[channel] = _epochs.GetValueOrDefault(channel) + 1;
            }
        }

        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination)
        {
            int epoch;
            lock (_epochs)
            {
                epoch = _epochs.GetValueOrDefault(context.Channel);
            }

            return context.DeriveDefault(destination, Encoding.ASCII.GetBytes($"epoch {epoch}"));
        }
    }

    private sealed class ShortKeyProvider : IChannelKeyProvider
    {
        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination) => 10;
    }
}
