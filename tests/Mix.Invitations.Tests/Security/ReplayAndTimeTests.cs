using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Security;

/// <summary>
/// Replay and time (issue 9, requirement 5): a single-use token redeemed twice — in sequence, concurrently, through
/// both entry points and other spellings — and tokens at each time boundary with skew, including an issued-at far in
/// the future. The every-tick window edges are in Tokens/InvitationTimeWindowTests and the cross-node races in
/// Redemption/LedgerContract; these are the attacker's versions.
/// </summary>
public sealed class ReplayAndTimeTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(TestKeys.Epoch);
    private readonly InvitationService _service;
    private readonly InMemoryInvitationLedger _ledger;
    private readonly InvitationRedeemer _redeemer;

    public ReplayAndTimeTests()
    {
        _service = InvitationService.Create(TestKeys.Options(), _time);
        _ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromHours(1));
        _redeemer = new InvitationRedeemer(_service, _ledger);
    }

    public void Dispose() => _ledger.Dispose();

    [Fact]
    public async Task SingleUse_RedeemedAgainInSequence_ByItsJoinerIsARetry_ByAnotherIsUsesExhausted()
    {
        var bearer = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation;
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

        var first = await _redeemer.RedeemAsync(bearer, context, TestContext.Current.CancellationToken);
        first.IsRepeat.Should().BeFalse();
        for (var i = 0; i < 2; i++)
        {
            var again = await _redeemer.RedeemAsync(bearer, context, TestContext.Current.CancellationToken);
            again.IsRepeat.Should().BeTrue("the same joiner's retry takes no second use");
            again.Receipt!.UseId.Should().Be(first.Receipt!.UseId);
        }

        (await _redeemer.RedeemAsync(bearer, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await _redeemer.RedeemAsync(bearer, new InvitationContext { Channel = TestKeys.Channel }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted, "without a joiner nothing tells a retry");
    }

    [Fact]
    public async Task SingleUse_ReplayedInAnotherSpellingOrAsABareToken_IsStillSpent()
    {
        var bearer = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation;

        (await _redeemer.RedeemAsync(bearer, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Stranger }, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        // The ledger counts the token, not the stanza: a new wrapper, a new spelling, a new joiner change nothing.
        var respelled = new Invitation(Jid.Parse("ＣＯＶＥＮ@MIX.shakespeare.example."), bearer.Token, TestKeys.Inviter, TestKeys.Invitee);
        (await _redeemer.RedeemAsync(respelled, new InvitationContext { Channel = respelled.Channel, Joiner = TestKeys.Invitee }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await _redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await _redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = Jid.Parse("coven@mix.shakespeare.example/any") }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task SingleUse_RedeemedConcurrentlyThroughBothEntryPoints_ExactlyOneSucceeds()
    {
        var bearer = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation;
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, 128).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var joiner = Jid.Parse($"user{i}@shakespeare.example");
            return i % 2 == 0
                ? await _redeemer.RedeemAsync(bearer, new InvitationContext { Channel = TestKeys.Channel, Joiner = joiner })
                : await _redeemer.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = joiner });
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.IsValid).Should().Be(1);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task SingleUse_LedgerForgetsOnlyOnceTheTokenItselfHasExpired()
    {
        var invitation = _service.Issue(TestKeys.InviteeBound(TimeSpan.FromHours(1), maxUses: 1)).Invitation;
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        (await _redeemer.RedeemAsync(invitation, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        var deadline = TestKeys.Epoch.AddHours(1) + new MixInvitationOptions().ExpiryTolerance;

        // One tick before the token's last valid instant: the ledger, purged, still remembers the use (and its joiner).
        _time.SetUtcNow(deadline.AddTicks(-1));
        _ledger.Purge();
        (await _redeemer.RedeemAsync(invitation, context, TestContext.Current.CancellationToken)).IsRepeat.Should().BeTrue();

        // From the deadline on the token is refused as expired before the ledger is asked (the ledger itself keeps the
        // entry a margin longer, for redemptions validated before the deadline: Redemption/LedgerContract).
        _time.SetUtcNow(deadline);
        _ledger.Purge();
        (await _redeemer.RedeemAsync(invitation, context, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Expired);
        _time.Advance(TimeSpan.FromDays(3650));
        _ledger.Purge();
        (await _redeemer.RedeemAsync(invitation, context, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Expired);
    }

    [Fact]
    public async Task UseLimitedRedeemedPastItsLimit_NeverSucceedsAgain()
    {
        var invitation = _service.Issue(new InvitationIssueRequest { Channel = TestKeys.Channel, Policy = BindingPolicies.UnboundName, MaxUses = 3 }).Invitation;
        var outcomes = new List<InvitationFailureReason>();
        for (var i = 0; i < 10; i++)
        {
            outcomes.Add((await _redeemer.RedeemBearerAsync(invitation.Token, new InvitationContext { Channel = TestKeys.Channel, Joiner = Jid.Parse($"user{i}@shakespeare.example") }, TestContext.Current.CancellationToken)).Reason);
        }

        outcomes.Should().Equal([.. Enumerable.Repeat(InvitationFailureReason.None, 3), .. Enumerable.Repeat(InvitationFailureReason.UsesExhausted, 7)]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(300)]
    public async Task EveryTimeBoundary_WithSkew_ThroughTheRedeemer(int skewSeconds)
    {
        var skew = TimeSpan.FromSeconds(skewSeconds);
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };
        var issuedAt = TestKeys.Epoch.AddDays(1);
        var clock = new FakeTimeProvider(issuedAt.AddMilliseconds(999));
        var invitation = InvitationService.Create(TestKeys.Options(), clock).Issue(TestKeys.InviteeBound(TimeSpan.FromMinutes(10))).Invitation;
        var expiresAt = issuedAt.AddMinutes(10);

        // issued-at is whole seconds (the 999 ms are dropped); each edge is checked one tick either side.
        (DateTimeOffset At, InvitationFailureReason Expected)[] edges =
        [
            (issuedAt - skew - TimeSpan.FromTicks(1), InvitationFailureReason.NotYetValid),
            (issuedAt - skew, InvitationFailureReason.None),
            (expiresAt + skew - TimeSpan.FromTicks(1), InvitationFailureReason.None),
            (expiresAt + skew, InvitationFailureReason.Expired),
        ];
        foreach (var (at, expected) in edges)
        {
            var time = new FakeTimeProvider(at);
            var atService = InvitationService.Create(TestKeys.Options(o => (o.ExpiryTolerance, o.IssuedAtTolerance) = (skew, skew)), time);
            (await new InvitationRedeemer(atService).RedeemAsync(invitation, context, TestContext.Current.CancellationToken)).Reason.Should().Be(expected, $"at {at:O} with {skewSeconds} s skew");
            atService.Check(invitation, context).Reason.Should().Be(expected);
        }
    }

    [Fact]
    public void IssuerClockAhead_WithinTheTolerance_IsAcceptedAndBeyondItIsNotYetValid()
    {
        var tolerance = new MixInvitationOptions().IssuedAtTolerance;
        var ahead = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch + tolerance)).Issue(TestKeys.InviteeBound()).Invitation;
        var tooFar = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch + tolerance + TimeSpan.FromSeconds(1))).Issue(TestKeys.InviteeBound()).Invitation;
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

        _service.Check(ahead, context).IsValid.Should().BeTrue();
        _service.Check(tooFar, context).Reason.Should().Be(InvitationFailureReason.NotYetValid);
    }

    [Fact]
    public async Task IssuedAtFarInTheFuture_AtTheEndOfTheFormat_IsNotYetValidNeverValid()
    {
        // The last second format v1 can express is 2106-02-07T06:28:15Z; a token issued just before it, as if by a
        // node whose clock ran 80 years fast (or by a leaked key), is refused today with its claims, and not stored.
        var end = DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue);
        var future = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(end.AddMinutes(-1))).Issue(TestKeys.InviteeBound(TimeSpan.FromMinutes(1), maxUses: 1)).Invitation;
        var context = new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee };

        var result = await _redeemer.RedeemAsync(future, context, TestContext.Current.CancellationToken);

        result.Reason.Should().Be(InvitationFailureReason.NotYetValid);
        result.Claims.ExpiresAt.Should().Be(end);
        _ledger.Count.Should().Be(0, "a refused token consumes nothing");
        var lenient = InvitationService.Create(TestKeys.Options(o => o.IssuedAtTolerance = TimeSpan.FromHours(1)), _time);
        lenient.Check(future, context).Reason.Should().Be(InvitationFailureReason.NotYetValid, "even the largest tolerance the options allow (1 hour) leaves 80 years out");
    }

    [Fact]
    public void Issue_ClockBeyondTheFormat_ThrowsRatherThanWrapping()
    {
        var beyond = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue)));

        FluentActions.Invoking(() => beyond.Issue(TestKeys.InviteeBound(TimeSpan.FromSeconds(1))).Invitation).Should().Throw<InvalidOperationException>().WithMessage("*1970 to 2106*");
    }
}
