namespace Mix.Invitations.Tests.Tokens;

/// <summary>The public, unverified header reader: what it reads, what it refuses, and that it costs nothing.</summary>
public class InvitationTokenHeaderTests
{
    [Fact]
    public void TryRead_IssuedTokens_GivesTheirHeader()
    {
        var (service, time) = TestKeys.Service();

        var plain = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromDays(2)));
        var limited = service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 10, Lifetime = TimeSpan.FromHours(3) });

        InvitationTokenHeader.TryRead(plain.Token, out var header).Should().BeTrue();
        (header.Version, header.PolicyId, header.KeyId, header.IssuedAt, header.ExpiresAt, header.MaxUses, header.IsUseLimited)
            .Should().Be((1, (byte)1, 1, time.GetUtcNow(), time.GetUtcNow().AddDays(2), 0, false));
        InvitationTokenHeader.TryRead(limited.Token, out header).Should().BeTrue();
        (header.PolicyId, header.ExpiresAt, header.MaxUses, header.IsUseLimited)
            .Should().Be(((byte)3, time.GetUtcNow().AddHours(3), 10, true));
        header.ToString().Should().StartWith("unverified").And.NotContain(limited.Token);
    }

    [Fact]
    public void TryRead_ForgedTag_StillReads_BecauseNothingIsVerified()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(TestKeys.InviteeBound()).Token;
        var forged = token[..^2] + (token[^2] == 'A' ? "BA" : "AA");

        InvitationTokenHeader.TryRead(forged, out var header).Should().BeTrue("the header reader never checks the tag: it is for display only");
        header.KeyId.Should().Be(1);
        service.TryValidate(new Invitation(TestKeys.Channel, forged, TestKeys.Inviter, TestKeys.Invitee), new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, out var result)
            .Should().BeFalse();
        result.Reason.Should().Be(InvitationFailureReason.BadSignature);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("not a token")]
    [InlineData("AQAB====")]
    [InlineData("AgABAWlVpYBpWOCAAAAAAAAAAAAAAAAAAAAAAA")] // version 2
    public void TryRead_NotAToken_IsFalse_AndLeavesDefault(string text)
    {
        InvitationTokenHeader.TryRead(text, out var header).Should().BeFalse();
        header.Should().Be(default(InvitationTokenHeader));
    }

    [Fact]
    public void TryRead_AllocatesNothing_AndRefusesLongInputBeforeDecoding()
    {
        var (service, _) = TestKeys.Service();
        var token = service.Issue(TestKeys.InviteeBound(maxUses: 2)).Token;
        var huge = new string('A', 1 << 20);
        InvitationTokenHeader.TryRead(token, out _); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = 0;
        for (var i = 0; i < 1000; i++)
        {
            read += InvitationTokenHeader.TryRead(token, out _) ? 1 : 0;
            read += InvitationTokenHeader.TryRead(huge, out _) ? 1 : 0;
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        read.Should().Be(1000);
    }
}
