using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>Every edge of the time window, one tick either side, with the default 30 s tolerances and others.</summary>
public class InvitationTimeWindowTests
{
    private static readonly InvitationContext AsInvitee = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

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
        var invitation = future.Issue(TestKeys.InviteeBound()).Invitation;

        ValidateAt(invitation, TestKeys.Epoch, 30, 30).Should().Be(InvitationFailureReason.NotYetValid);
    }

    [Fact]
    public void Issue_SubSecondClock_TruncatesIssuedAtToWholeSecondsAndRoundsLifetimeUp()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch.AddMilliseconds(900));
        var service = InvitationService.Create(TestKeys.Options(), time);

        var claims = service.Validate(service.Issue(TestKeys.InviteeBound(TimeSpan.FromMilliseconds(1500))).Invitation, AsInvitee);

        claims.IssuedAt.Should().Be(TestKeys.Epoch);
        claims.ExpiresAt.Should().Be(TestKeys.Epoch.AddSeconds(2));
    }

    [Fact]
    public void TryValidate_TokenLongerThanThisNodesMaxLifetime_IsLifetimeTooLong()
    {
        // Issued on a node allowing 30 days; checked on a node allowing one day, one minute after issue.
        var invitation = IssueAtEpoch(TimeSpan.FromDays(30));
        var strict = InvitationService.Create(
            TestKeys.Options(o => (o.DefaultLifetime, o.MaxLifetime) = (TimeSpan.FromHours(1), TimeSpan.FromDays(1))),
            new FakeTimeProvider(TestKeys.Epoch.AddMinutes(1)));

        var result = strict.Check(invitation, AsInvitee);

        result.Reason.Should().Be(InvitationFailureReason.LifetimeTooLong);
        result.StanzaError.Condition.Should().Be("not-allowed");
        ValidateAt(invitation, TestKeys.Epoch.AddMinutes(1), 30, 30).Should().Be(InvitationFailureReason.None, "the issuing node's own limit admits it");
    }

    [Theory]
    [InlineData(0u, uint.MaxValue)] // a key holder's "forever" token: 1970 to 2106
    [InlineData(1767225600u, 1767225600u + 2592001u)] // one second over the default 30 days
    public void TryValidate_MintedWithAnyInstants_IsLifetimeTooLong(uint issuedAt, uint expiresAt)
    {
        var token = SpecMinter.Unbound(TestKeys.Channel.ToString(), issuedAt, expiresAt);
        var service = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch.AddMinutes(1)));

        service.CheckToken(token, new InvitationContext { Channel = TestKeys.Channel }).Reason.Should().Be(InvitationFailureReason.LifetimeTooLong);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1.5)] // issuing rounds a lifetime up to whole seconds; validation allows what issuing can write
    [InlineData(86400)]
    public void TryValidate_LifetimeExactlyMaxLifetime_IsAccepted(double maxSeconds)
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var options = TestKeys.Options(o => (o.DefaultLifetime, o.MaxLifetime) = (TimeSpan.FromSeconds(maxSeconds), TimeSpan.FromSeconds(maxSeconds)));
        var service = InvitationService.Create(options, time);

        var result = service.Check(service.Issue(TestKeys.InviteeBound()).Invitation, AsInvitee);

        result.Reason.Should().Be(InvitationFailureReason.None);
    }

    private static Invitation IssueAtEpoch(TimeSpan lifetime) =>
        InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch)).Issue(TestKeys.InviteeBound(lifetime)).Invitation;

    private static InvitationFailureReason ValidateAt(Invitation invitation, DateTimeOffset at, int expirySkew, int issuedSkew)
    {
        var options = TestKeys.Options(o =>
        {
            o.ExpiryTolerance = TimeSpan.FromSeconds(expirySkew);
            o.IssuedAtTolerance = TimeSpan.FromSeconds(issuedSkew);
        });
        return InvitationService.Create(options, new FakeTimeProvider(at)).Check(invitation, AsInvitee).Reason;
    }
}
