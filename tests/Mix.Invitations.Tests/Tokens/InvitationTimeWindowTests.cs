using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>Every edge of the time window, one tick either side, with the default 30 s tolerances and others.</summary>
public class InvitationTimeWindowTests
{
    private static readonly InvitationContext AsInvitee = new(TestKeys.Invitee, TestKeys.Channel);

    [Theory]
    [InlineData(30, 30)]
    [InlineData(0, 0)]
    [InlineData(3600, 5)]
    public void TryValidate_AroundExpiry_ValidUntilExpiryPlusToleranceExclusive(int expirySkew, int issuedSkew)
    {
        var invitation = IssueAtEpoch(TimeSpan.FromHours(1));
        var deadline = TestKeys.Epoch.AddHours(1).AddSeconds(expirySkew);

        ValidateAt(invitation, deadline.AddTicks(-1), expirySkew, issuedSkew).Should().Be(InvitationFailureReason.None);
        ValidateAt(invitation, deadline, expirySkew, issuedSkew).Should().Be(InvitationFailureReason.Expired);
        ValidateAt(invitation, deadline.AddTicks(1), expirySkew, issuedSkew).Should().Be(InvitationFailureReason.Expired);
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(0, 0)]
    [InlineData(5, 3600)]
    public void TryValidate_AroundIssuedAt_ValidFromIssuedAtMinusTolerance(int expirySkew, int issuedSkew)
    {
        var invitation = IssueAtEpoch(TimeSpan.FromHours(1));
        var earliest = TestKeys.Epoch.AddSeconds(-issuedSkew);

        ValidateAt(invitation, earliest.AddTicks(-1), expirySkew, issuedSkew).Should().Be(InvitationFailureReason.NotYetValid);
        ValidateAt(invitation, earliest, expirySkew, issuedSkew).Should().Be(InvitationFailureReason.None);
        ValidateAt(invitation, earliest.AddTicks(1), expirySkew, issuedSkew).Should().Be(InvitationFailureReason.None);
    }

    [Fact]
    public void TryValidate_IssuedFarInTheFuture_IsNotYetValid()
    {
        var future = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch.AddYears(50)));
        var invitation = future.Issue(TestKeys.InviteeBound());

        ValidateAt(invitation, TestKeys.Epoch, 30, 30).Should().Be(InvitationFailureReason.NotYetValid);
    }

    [Fact]
    public void Issue_SubSecondClock_TruncatesIssuedAtToWholeSecondsAndRoundsLifetimeUp()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch.AddMilliseconds(900));
        var service = InvitationService.Create(TestKeys.Options(), time);

        var claims = service.Validate(service.Issue(TestKeys.InviteeBound(TimeSpan.FromMilliseconds(1500))), AsInvitee);

        claims.IssuedAt.Should().Be(TestKeys.Epoch);
        claims.ExpiresAt.Should().Be(TestKeys.Epoch.AddSeconds(2));
    }

    private static Invitation IssueAtEpoch(TimeSpan lifetime) =>
        InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch)).Issue(TestKeys.InviteeBound(lifetime));

    private static InvitationFailureReason ValidateAt(Invitation invitation, DateTimeOffset at, int expirySkew, int issuedSkew)
    {
        var options = TestKeys.Options(o =>
        {
            o.ExpiryTolerance = TimeSpan.FromSeconds(expirySkew);
            o.IssuedAtTolerance = TimeSpan.FromSeconds(issuedSkew);
        });
        return InvitationService.Create(options, new FakeTimeProvider(at)).TryValidate(invitation, AsInvitee).Reason;
    }
}
