using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Redemption;

/// <summary>
/// The contract every <see cref="IInvitationLedger"/> meets, run over each ledger by a subclass: the in-memory one in
/// this project, the Redis one in Mix.Invitations.Redis.Tests (which links this file). Only public API is used here.
/// </summary>
/// <remarks>
/// A subclass supplies two "nodes": ledgers that share state as two nodes of one cluster would — two connections to
/// one Redis, or the one in-memory instance of a process (handed out twice). A subclass whose store is missing skips
/// from <see cref="CreateNodes"/> with xunit's <c>Assert.Skip</c>.
/// </remarks>
public abstract class LedgerContract
{
    private const int Concurrency = 64;

    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    private static readonly Jid OtherChannel = Jid.Parse("other@mix.shakespeare.example");
    private static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");

    /// <summary>Gets the clock the redeemers validate with and the ledgers decide by.</summary>
    protected abstract FakeTimeProvider Time { get; }

    /// <summary>Creates two nodes that share one ledger state.</summary>
    /// <returns>The two nodes (may be one instance twice, for a ledger that lives in one process).</returns>
    protected abstract (IInvitationLedger First, IInvitationLedger Second) CreateNodes();

    private DateTimeOffset InAnHour => Time.GetUtcNow().AddHours(1);

    [Fact]
    public async Task TryConsume_SingleUse_SecondIsExhausted()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_UseLimitThree_ThreeConsumedThenExhausted()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        var results = new List<InvitationLedgerResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await ledger.TryConsumeAsync(id, Channel, 3, InAnHour, TestContext.Current.CancellationToken));
        }

        results.Select(r => r.Outcome).Should().Equal(
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Exhausted,
            InvitationLedgerOutcome.Exhausted);
        results.Take(3).Select(r => r.UseId).Should().OnlyHaveUniqueItems().And.OnlyContain(u => u > 0, "each use taken has an id of its own");
        results.Skip(3).Should().OnlyContain(r => r.UseId == 0, "a refusal takes no use");
    }

    [Fact]
    public async Task TryConsume_NotUseLimited_AlwaysConsumed()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        for (var i = 0; i < 10; i++)
        {
            (await ledger.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed), "nothing is counted, so there is no use id");
        }
    }

    [Fact]
    public async Task TryConsume_OnOtherNode_SeesTheUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();

        (await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await second.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_SameIdOtherChannel_IsCountedApart()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, OtherChannel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
    }

    [Fact]
    public async Task TryConsume_RetentionAlreadyPassed_IsExpiredAndKeepsNothing()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        var now = Time.GetUtcNow();

        (await ledger.TryConsumeAsync(id, Channel, 1, now.AddHours(-1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        (await ledger.TryConsumeAsync(id, Channel, 1, now, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired, "the retention instant itself is too late");
        (await ledger.TryConsumeAsync(id, Channel, 0, now, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired, "a revocation check is refused too: the ledger may have forgotten the revocation");

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the refusals wrote nothing");
        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_OneTickBeforeRetention_DecidesFromTheEntry_AtItIsExpired()
    {
        var (first, second) = CreateNodes();
        var single = NewId();
        var revoked = NewId();
        var retainUntil = InAnHour;
        await first.TryConsumeAsync(single, Channel, 1, retainUntil, TestContext.Current.CancellationToken);
        await first.RevokeAsync(revoked, Channel, retainUntil, TestContext.Current.CancellationToken);

        Time.SetUtcNow(retainUntil.AddTicks(-1));

        (await second.TryConsumeAsync(single, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        (await second.TryConsumeAsync(revoked, Channel, 0, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);

        Time.Advance(TimeSpan.FromTicks(1));

        (await second.TryConsumeAsync(single, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        (await second.TryConsumeAsync(revoked, Channel, 0, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        (await second.TryConsumeAsync(revoked, Channel, 3, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
    }

    [Fact]
    public async Task TryConsume_LaterRetentionLengthensTheEntry_EarlierNeverShortensIt()
    {
        var (first, second) = CreateNodes();
        var lengthened = NewId();
        var notShortened = NewId();
        var early = InAnHour;
        var late = early.AddHours(1);
        await first.TryConsumeAsync(lengthened, Channel, 1, early, TestContext.Current.CancellationToken);
        (await second.TryConsumeAsync(lengthened, Channel, 1, late, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        await first.TryConsumeAsync(notShortened, Channel, 1, late, TestContext.Current.CancellationToken);
        (await second.TryConsumeAsync(notShortened, Channel, 1, early, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);

        Time.SetUtcNow(early.AddMinutes(30)); // past the early instant; a purge (timer or call) may run

        (await first.TryConsumeAsync(lengthened, Channel, 1, late, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "the entry lives until the latest instant it was given");
        (await first.TryConsumeAsync(notShortened, Channel, 1, late, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Revoke_UseLimited_ConsumeIsRevoked()
    {
        var (first, second) = CreateNodes();
        var id = NewId();

        await first.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await second.TryConsumeAsync(id, Channel, 5, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_NotUseLimited_ConsumeIsRevoked()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        (await second.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);

        await first.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await second.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_AfterExhausted_ReportsRevoked()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);

        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken); // twice does no harm

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_RetentionAlreadyPassed_KeepsNothing()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        await ledger.RevokeAsync(id, Channel, Time.GetUtcNow().AddHours(-1), TestContext.Current.CancellationToken);

        (await ledger.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
    }

    [Fact]
    public async Task Release_AfterConsume_GivesBackThatUseOnce()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var taken = await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);

        (await second.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await second.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeFalse("the use was given back already");
        (await first.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeFalse();

        var again = await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);
        again.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        again.UseId.Should().NotBe(taken.UseId, "a use id is never given out twice");
        (await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_UseNeverTaken_GivesNothing()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        (await ledger.ReleaseAsync(id, Channel, 1, TestContext.Current.CancellationToken)).Should().BeFalse("there is no entry");
        var taken = await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);
        var refused = await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);
        refused.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted));
        (await ledger.ReleaseAsync(id, Channel, taken.UseId + 1, TestContext.Current.CancellationToken)).Should().BeFalse("no such use was taken");
        (await ledger.ReleaseAsync(id, Channel, 1_000_000, TestContext.Current.CancellationToken)).Should().BeFalse();
        (await ledger.ReleaseAsync(id, OtherChannel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeFalse("the same id in another channel is another entry");

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_OldUseIdAfterReleaseAndRetake_CannotReleaseTheNewUse()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        var old = await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);
        (await ledger.ReleaseAsync(id, Channel, old.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        var current = await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);

        (await ledger.ReleaseAsync(id, Channel, old.UseId, TestContext.Current.CancellationToken)).Should().BeFalse("the old receipt's use is gone; the new use has another id");

        current.UseId.Should().NotBe(old.UseId);
        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_SameUse64TimesConcurrentlyOverTwoNodes_GivesItBackOnce()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var released = await first.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken);
        var kept = await first.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken);
        kept.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releases = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? first : second).ReleaseAsync(id, Channel, released.UseId);
        })).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(releases);

        answers.Count(a => a).Should().Be(1);
        (await second.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await second.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "one use was given back, not more");
    }

    [Fact]
    public async Task Release_Revoked_StaysRevoked()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        var taken = await ledger.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await ledger.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();

        (await ledger.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Methods_EmptyChannel_Throw()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(id, default, 1, InAnHour)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.RevokeAsync(id, default, InAnHour)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.ReleaseAsync(id, default, 1)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(id, Channel, -1, InAnHour)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("maxUses");
        await FluentActions.Awaiting(async () => await ledger.ReleaseAsync(id, Channel, 0)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("useId");
        await FluentActions.Awaiting(async () => await ledger.ReleaseAsync(id, Channel, -1)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("useId");
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_SingleUse_ExactlyOneSucceeds()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 1)).Invitation;

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Count(r => r.IsValid).Should().Be(1);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_UseLimitFive_ExactlyFiveSucceed()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 5)).Invitation;

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Count(r => r.IsValid).Should().Be(5);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_Revoked_NoneSucceeds()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 5)).Invitation;
        (await second.RevokeAsync(invitation, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Should().OnlyContain(r => r.Reason == InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task RedeemTokenAsync_UnlimitedBearerRevokedOnOtherNode_IsRevoked()
    {
        var (first, second, service) = CreateRedeemers();
        var bearer = service.Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName }).Invitation;
        var context = new InvitationContext { Channel = Channel };
        (await first.RedeemBearerAsync(bearer.Token, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await first.RedeemBearerAsync(bearer.Token, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue("a token without a use limit redeems again and again");

        (await second.RevokeBearerAsync(bearer.Token, Channel, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        (await first.RedeemBearerAsync(bearer.Token, context, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task ReleaseAsync_AfterFailedJoin_TokenRedeemsAgainOnOtherNode()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 1)).Invitation;
        var redeemed = await first.RedeemAsync(invitation, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken);
        redeemed.IsValid.Should().BeTrue();

        (await first.ReleaseAsync(redeemed.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.Released);

        (await second.RedeemAsync(invitation, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await second.RedeemAsync(invitation, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    /// <summary>
    /// Issue 14, requirement 4, first repro: releasing what a refused redemption (UsesExhausted) "took" let a single-use
    /// token join twice. A refused result has no receipt — <c>ReleaseAsync(result.Receipt)</c> does not compile without
    /// the null-forgiving operator, and throws with it — so there is nothing to release and the token joins once.
    /// </summary>
    [Fact]
    public async Task ReleaseAsync_RefusedRedemption_HasNoReceipt_SingleUseTokenJoinsOnce()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 1)).Invitation;
        var joined = await first.RedeemAsync(invitation, Join(1), TestContext.Current.CancellationToken);
        var refused = await second.RedeemAsync(invitation, Join(2), TestContext.Current.CancellationToken);

        refused.Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        refused.Receipt.Should().BeNull("a refused redemption took no use");
        await FluentActions.Awaiting(async () => await second.ReleaseAsync(refused.Receipt!)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("receipt");

        var again = await second.RedeemAsync(invitation, Join(2), TestContext.Current.CancellationToken);
        again.Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        joined.IsValid.Should().BeTrue();
        joined.Receipt.Should().NotBeNull();
    }

    /// <summary>
    /// Issue 14, requirement 4, second repro: releasing one success twice let a limit-2 token join three times. The
    /// receipt gives back its own use once; the second release, on either node, gives back nothing.
    /// </summary>
    [Fact]
    public async Task ReleaseAsync_OneSuccessReleasedTwice_GivesBackOneUse_LimitTwoTokenHoldsTwoJoins()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 2)).Invitation;
        var failedJoin = await first.RedeemAsync(invitation, Join(1), TestContext.Current.CancellationToken);
        var standing = await second.RedeemAsync(invitation, Join(2), TestContext.Current.CancellationToken);

        (await first.ReleaseAsync(failedJoin.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.Released);
        (await first.ReleaseAsync(failedJoin.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.NotOutstanding);
        (await second.ReleaseAsync(failedJoin.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.NotOutstanding);

        var third = await first.RedeemAsync(invitation, Join(3), TestContext.Current.CancellationToken);
        var fourth = await second.RedeemAsync(invitation, Join(4), TestContext.Current.CancellationToken);
        standing.IsValid.Should().BeTrue();
        third.IsValid.Should().BeTrue("the failed join's use was given back");
        fourth.Reason.Should().Be(InvitationFailureReason.UsesExhausted, "two joins stand: the limit");
    }

    [Fact]
    public async Task ReleaseAsync_SameReceipt64TimesConcurrentlyOverTwoNodes_GivesBackOneUse()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 2)).Invitation;
        var failedJoin = await first.RedeemAsync(invitation, Join(1), TestContext.Current.CancellationToken);
        (await second.RedeemAsync(invitation, Join(2), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releases = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await (i % 2 == 0 ? first : second).ReleaseAsync(failedJoin.Receipt!);
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(releases);

        outcomes.Count(o => o == InvitationReleaseOutcome.Released).Should().Be(1);
        outcomes.Should().OnlyContain(o => o == InvitationReleaseOutcome.Released || o == InvitationReleaseOutcome.NotOutstanding);
        (await first.RedeemAsync(invitation, Join(3), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await second.RedeemAsync(invitation, Join(4), TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task RedeemAsync_NoUseTaken_NoReceipt()
    {
        var (first, second, service) = CreateRedeemers();
        var bearer = service.Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName }).Invitation;
        var revoked = service.Issue(Request(maxUses: 3)).Invitation;
        (await second.RevokeAsync(revoked, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        var unlimited = await first.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken);
        var refused = await first.RedeemAsync(revoked, Join(1), TestContext.Current.CancellationToken);
        var forged = await first.RedeemAsync(new Invitation(OtherChannel, revoked.Token, Inviter), Join(1), TestContext.Current.CancellationToken);

        unlimited.IsValid.Should().BeTrue();
        unlimited.Receipt.Should().BeNull("a token without a use limit takes no use");
        refused.Reason.Should().Be(InvitationFailureReason.Revoked);
        refused.Receipt.Should().BeNull();
        forged.Receipt.Should().BeNull();
    }

    /// <summary>
    /// Issue 14, requirement 3: a redemption validated at the last instant the token is valid, whose own check then takes
    /// longer and longer (the check moves the clock), reaches the ledger before, at and after the token's deadline
    /// (expiry + tolerance) and its retention instant (deadline + margin). A revoked or exhausted token is refused at
    /// every one of those instants — as revoked or exhausted while the ledger still decides from its entry, as expired
    /// from the retention instant on — and never admitted uncounted.
    /// </summary>
    [Fact]
    public async Task RedeemAsync_SlowCheckCarriesTheRedemptionAcrossTheBoundary_RevokedOrExhaustedIsRefusedAtEveryInstant()
    {
        var slow = new ClockMovingCheck(Time);
        var (first, second, service) = CreateRedeemers(slow);
        TimeSpan[] arrivals =
        [
            TimeSpan.FromSeconds(-1), TimeSpan.FromTicks(-1), TimeSpan.Zero, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(30), Margin - TimeSpan.FromTicks(1), Margin, Margin + TimeSpan.FromTicks(1), Margin + TimeSpan.FromHours(1),
        ];

        var outcomes = new List<string>();
        foreach (var arrival in arrivals)
        {
            foreach (var kind in new[] { "revoked single-use", "exhausted single-use", "revoked bearer", "exhausted limit-3" })
            {
                var invitation = service.Issue(kind switch
                {
                    "revoked bearer" => new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromHours(1) },
                    "exhausted limit-3" => Request(maxUses: 3),
                    _ => Request(maxUses: 1),
                }).Invitation;
                slow.Delay = TimeSpan.Zero;
                var uses = kind == "exhausted limit-3" ? 3 : kind == "exhausted single-use" ? 1 : 0;
                for (var i = 0; i < uses; i++)
                {
                    (await second.RedeemAsync(invitation, Join(i), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
                }

                if (kind.StartsWith("revoked", StringComparison.Ordinal))
                {
                    (await second.RevokeAsync(invitation, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
                }

                var deadline = service.Check(invitation, Join(0)).Claims.ExpiresAt + Tolerance;
                // Validated at the last instant the token is valid (a second before arriving, for arrivals before the
                // deadline); the check takes the rest, so the ledger is reached at deadline + arrival.
                var validatedAt = arrival < TimeSpan.Zero ? deadline + arrival - TimeSpan.FromSeconds(1) : deadline - TimeSpan.FromTicks(1);
                Time.SetUtcNow(validatedAt);
                slow.Delay = deadline + arrival - validatedAt;

                var result = await first.RedeemAsync(invitation, Join(99), TestContext.Current.CancellationToken);

                Time.GetUtcNow().Should().Be(deadline + arrival);
                var expected = arrival >= Margin
                    ? InvitationFailureReason.Expired
                    : kind.StartsWith("revoked", StringComparison.Ordinal) ? InvitationFailureReason.Revoked : InvitationFailureReason.UsesExhausted;
                outcomes.Add($"{kind} reaching the ledger at deadline{(arrival < TimeSpan.Zero ? "-" : "+")}{arrival.Duration()}: {result.Reason}{(result.Reason == expected ? string.Empty : $" (expected {expected})")}");
            }
        }

        outcomes.Should().NotContain(o => o.Contains("expected", StringComparison.Ordinal));
        slow.Calls.Should().Be(arrivals.Length * (4 + 1 + 3), "every redemption passed validation and ran the check");
    }

    /// <summary>
    /// Issue 14, requirement 3: many redemptions over two nodes, validated near the deadline, whose checks each move the
    /// clock on, so that they reach the ledger scattered before, across and after the deadline and the retention
    /// instant. At most the use limit is admitted; a revoked token never.
    /// </summary>
    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(0, true)]
    public async Task RedeemAsync_ConcurrentSlowRedemptionsAcrossTheBoundary_AtMostTheLimitAdmitted(int maxUses, bool revoked)
    {
        var slow = new ClockMovingCheck(Time) { Delay = TimeSpan.FromSeconds(10), HoldUntil = Concurrency };
        var (first, second, service) = CreateRedeemers(slow);
        var invitation = service.Issue(maxUses == 0
            ? new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromHours(1) }
            : Request(maxUses)).Invitation;
        if (revoked)
        {
            (await second.RevokeAsync(invitation, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        }

        var deadline = service.Check(invitation, Join(0)).Claims.ExpiresAt + Tolerance;
        Time.SetUtcNow(deadline - TimeSpan.FromSeconds(15));

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        slow.Calls.Should().Be(Concurrency, "every redemption passed validation before any check moved the clock");
        Time.GetUtcNow().Should().BeAfter(deadline + Margin, "the last arrivals came after the retention instant");
        results.Count(r => r.IsValid).Should().BeLessThanOrEqualTo(revoked ? 0 : maxUses);
        results.Where(r => !r.IsValid).Select(r => r.Reason).Distinct().Should().BeSubsetOf(
            [revoked ? InvitationFailureReason.Revoked : InvitationFailureReason.UsesExhausted, InvitationFailureReason.Expired]);
    }

    protected static InvitationTokenId NewId() => new(RandomNumberGenerator.GetBytes(InvitationTokenId.Size));

    private static InvitationContext Join(int user) => new InvitationContext { Channel = Channel, Joiner = Jid.Parse($"user{user}@shakespeare.example") };

    private static InvitationIssueRequest Request(int maxUses) => new()
    {
        Channel = Channel,
        Inviter = Inviter,
        Policy = BindingPolicies.InviterBoundName,
        MaxUses = maxUses,
        Lifetime = TimeSpan.FromHours(1),
    };

    /// <summary>Creates two nodes, each its own service and redeemer, sharing only the key ring and the ledger's state; both run <paramref name="check"/>.</summary>
    private (InvitationRedeemer First, InvitationRedeemer Second, InvitationService Service) CreateRedeemers(IInvitationRedemptionCheck? check = null)
    {
        var (firstLedger, secondLedger) = CreateNodes();
        var options = new MixInvitationOptions { ExpiryTolerance = Tolerance, LedgerRetentionMargin = Margin };
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });

        var firstService = InvitationService.Create(options, Time);
        var secondService = InvitationService.Create(options, Time);
        IInvitationRedemptionCheck[] checks = check is null ? [] : [check];
        return (
            new InvitationRedeemer(firstService, firstLedger, checks, options: options, timeProvider: Time),
            new InvitationRedeemer(secondService, secondLedger, checks, options: options, timeProvider: Time),
            firstService);
    }

    private static async Task<InvitationRedemptionResult[]> RedeemConcurrentlyAsync(InvitationRedeemer first, InvitationRedeemer second, Invitation invitation)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var redeemer = i % 2 == 0 ? first : second;
            return await redeemer.RedeemAsync(invitation, Join(i));
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// A server check that takes <see cref="Delay"/>: it moves the fake clock on by that much before it lets the
    /// redemption go on. With <see cref="HoldUntil"/> set, every call first waits until that many calls have started, so
    /// that all of them passed validation before any moves the clock.
    /// </summary>
    private sealed class ClockMovingCheck(FakeTimeProvider time) : IInvitationRedemptionCheck
    {
        private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public TimeSpan Delay { get; set; }

        public int HoldUntil { get; init; }

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<InvitationFailureReason> CheckAsync(InvitationRedemptionCheckContext context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == HoldUntil)
            {
                _allStarted.SetResult();
            }

            if (HoldUntil > 0)
            {
                await _allStarted.Task.WaitAsync(cancellationToken);
            }

            time.Advance(Delay);
            return InvitationFailureReason.None;
        }
    }

    // ---- Issue 17: bulk revocation by cut-off instants, and retry-safe redemption per joiner ----

    private static readonly Jid OtherInviter = Jid.Parse("crone1@shakespeare.example");

    private DateTimeOffset Now => Time.GetUtcNow();

    [Fact]
    public async Task RevokeIssuedBefore_Channel_RefusesTokensIssuedBefore_NotAfter_NotOtherChannels()
    {
        var (ledger, _) = CreateNodes();
        var cutOff = Now;
        var before = cutOff.AddSeconds(-1);
        await ledger.RevokeIssuedBeforeAsync(Channel, null, cutOff, InAnHour, TestContext.Current.CancellationToken);

        (await Consume(ledger, Request(NewId(), 1, before))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
        (await Consume(ledger, Request(NewId(), 0, before))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "a token without a use limit is reached too");
        (await Consume(ledger, Request(NewId(), 1, before, inviter: Inviter))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "the channel's cut-off reaches every inviter's tokens");
        (await Consume(ledger, Request(NewId(), 1, cutOff))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "issued at the cut-off is not before it");
        (await Consume(ledger, Request(NewId(), 0, cutOff.AddSeconds(1)))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await Consume(ledger, Request(NewId(), 1, before, channel: OtherChannel))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "another channel is not touched");
    }

    [Fact]
    public async Task RevokeIssuedBefore_Inviter_RefusesOnlyThatInvitersBoundTokens()
    {
        var (ledger, _) = CreateNodes();
        var cutOff = Now;
        var before = cutOff.AddSeconds(-10);
        await ledger.RevokeIssuedBeforeAsync(Channel, Inviter, cutOff, InAnHour, TestContext.Current.CancellationToken);

        (await Consume(ledger, Request(NewId(), 1, before, inviter: Inviter))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
        (await Consume(ledger, Request(NewId(), 0, before, inviter: Jid.Parse("HAG66@shakespeare.example/pda")))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "compared by the bare, canonical JID");
        (await Consume(ledger, Request(NewId(), 1, before, inviter: OtherInviter))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "another inviter's tokens stay");
        (await Consume(ledger, Request(NewId(), 1, before))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "a token that binds no inviter has no authenticated inviter to compare");
        (await Consume(ledger, Request(NewId(), 1, cutOff, inviter: Inviter))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the inviter's new invitations stay good");
        (await Consume(ledger, Request(NewId(), 1, before, inviter: Inviter, channel: OtherChannel))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "only in that channel");
    }

    [Fact]
    public async Task RevokeIssuedBefore_KeepsTheLaterCutOff_AndTheLongerRetention()
    {
        var (ledger, _) = CreateNodes();
        var early = Now.AddMinutes(-10);
        var late = Now;
        await ledger.RevokeIssuedBeforeAsync(Channel, null, late, Now.AddHours(2), TestContext.Current.CancellationToken);
        await ledger.RevokeIssuedBeforeAsync(Channel, null, early, Now.AddHours(1), TestContext.Current.CancellationToken);

        (await Consume(ledger, Request(NewId(), 1, late.AddSeconds(-1)))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "an earlier cut-off never undoes a later one");

        Time.Advance(TimeSpan.FromMinutes(90));
        (await Consume(ledger, Request(NewId(), 1, late.AddSeconds(-1), retainUntil: Now.AddHours(1)))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "the longer retention is kept");
    }

    [Fact]
    public async Task RevokeIssuedBefore_KeptUntilItsRetention_NothingStoredWhenItHasPassed()
    {
        var (ledger, _) = CreateNodes();
        var cutOff = Now;
        await ledger.RevokeIssuedBeforeAsync(Channel, null, cutOff, Now.AddHours(1), TestContext.Current.CancellationToken);
        await ledger.RevokeIssuedBeforeAsync(OtherChannel, null, cutOff, Now, TestContext.Current.CancellationToken);

        (await Consume(ledger, Request(NewId(), 1, cutOff.AddSeconds(-1), channel: OtherChannel))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "a cut-off whose retention has passed is not stored");

        // Forgetting after the retention is the store's own expiry (InMemoryInvitationLedgerTests, RedisInvitationLedgerTests):
        // a real token issued before the cut-off is past its own retention by then, so it changes no answer.
        Time.Advance(TimeSpan.FromMinutes(59));
        (ledger as InMemoryInvitationLedger)?.Purge();
        (await Consume(ledger, Request(NewId(), 1, cutOff.AddSeconds(-1)))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "kept until its retention");
    }

    [Fact]
    public async Task RevokeIssuedBefore_OnOneNode_IsRefusedOnTheOther()
    {
        var (first, second) = CreateNodes();
        var issuedAt = Now.AddSeconds(-5);
        var id = NewId();
        (await Consume(second, Request(id, 3, issuedAt, inviter: Inviter, joiner: Jid.Parse("a@shakespeare.example")))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);

        await first.RevokeIssuedBeforeAsync(Channel, Inviter, Now, InAnHour, TestContext.Current.CancellationToken);

        (await Consume(second, Request(id, 3, issuedAt, inviter: Inviter, joiner: Jid.Parse("b@shakespeare.example")))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
        (await Consume(second, Request(id, 3, issuedAt, inviter: Inviter, joiner: Jid.Parse("a@shakespeare.example")))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked, "a retry is no way around a revocation");

        await first.RevokeIssuedBeforeAsync(Channel, null, Now, InAnHour, TestContext.Current.CancellationToken);
        (await Consume(second, Request(NewId(), 0, issuedAt))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task RevokeIssuedBefore_DefaultChannelOrInviter_Throws()
    {
        var (ledger, _) = CreateNodes();

        await FluentActions.Awaiting(async () => await ledger.RevokeIssuedBeforeAsync(default, null, Now, InAnHour, TestContext.Current.CancellationToken)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.RevokeIssuedBeforeAsync(Channel, default(Jid), Now, InAnHour, TestContext.Current.CancellationToken)).Should().ThrowAsync<ArgumentException>().WithParameterName("inviter");
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(default(InvitationLedgerRequest), TestContext.Current.CancellationToken)).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task TryConsume_SameJoinerAgain_SameUseMarkedRepeat_NoSecondUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var cat = Jid.Parse("cat@shakespeare.example");

        var taken = await Consume(first, Request(id, 2, Now, joiner: cat));
        var again = await Consume(second, Request(id, 2, Now, joiner: Jid.Parse("cat@shakespeare.example/phone")));
        var other = await Consume(first, Request(id, 2, Now, joiner: Jid.Parse("rat@shakespeare.example")));
        var third = await Consume(first, Request(id, 2, Now, joiner: Jid.Parse("bat@shakespeare.example")));
        var stillCat = await Consume(second, Request(id, 2, Now, joiner: cat));

        taken.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, taken.UseId));
        again.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, taken.UseId, isRepeat: true), "the same bare JID, on any node, holds the use it took");
        other.Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "another joiner takes a use of its own");
        other.UseId.Should().NotBe(taken.UseId);
        third.Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "the retry took no second use, so two joiners fill a limit of two");
        stillCat.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, taken.UseId, isRepeat: true), "a joiner holding a use is answered even once the token is exhausted");
    }

    [Fact]
    public async Task TryConsume_AfterRelease_SameJoinerTakesANewUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var cat = Jid.Parse("cat@shakespeare.example");

        var taken = await Consume(first, Request(id, 1, Now, joiner: cat));
        (await second.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        var retaken = await Consume(second, Request(id, 1, Now, joiner: cat));

        retaken.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        retaken.IsRepeat.Should().BeFalse("the released use and its joiner are gone");
        retaken.UseId.Should().NotBe(taken.UseId);
        (await first.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeFalse();
        (await Consume(first, Request(id, 1, Now, joiner: Jid.Parse("rat@shakespeare.example")))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_SixtyFourConcurrent_WithRetries_ExactlyTheLimitOfJoiners_EachOnce()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        const int Limit = 10;
        using var start = new ManualResetEventSlim();

        // 32 joiners, each redeeming twice at once (the retry racing the first try), on both nodes: 64 in all.
        var attempts = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var joiner = Jid.Parse($"user{i / 2}@shakespeare.example");
            var node = i % 2 == 0 ? first : second;
            return (Joiner: i / 2, Result: await node.TryConsumeAsync(Request(id, Limit, Now, joiner: joiner)));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var admitted = results.Where(r => r.Result.Outcome == InvitationLedgerOutcome.Consumed).ToList();
        admitted.Select(r => r.Joiner).Distinct().Should().HaveCount(Limit, "exactly the limit of joiners is admitted");
        admitted.Where(r => !r.Result.IsRepeat).Select(r => r.Result.UseId).Should().HaveCount(Limit).And.OnlyHaveUniqueItems();
        admitted.GroupBy(r => r.Joiner).Should().OnlyContain(g => g.Select(r => r.Result.UseId).Distinct().Count() == 1 && g.Count(r => !r.Result.IsRepeat) == 1, "each joiner holds one use, its retry is marked");
        results.Where(r => r.Result.Outcome != InvitationLedgerOutcome.Consumed).Should().OnlyContain(r => r.Result.Outcome == InvitationLedgerOutcome.Exhausted);
        (await Consume(first, Request(id, Limit, Now, joiner: Jid.Parse("late@shakespeare.example")))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task RevokeIssuedBefore_RacingRedemptions_NothingIssuedBeforeIsAdmittedOnceItReturns()
    {
        var (first, second) = CreateNodes();
        var issuedAt = Now.AddSeconds(-30);
        var revoked = 0; // set once the revocation returned
        var roundsBefore = 0; // rounds finished that started before it
        using var start = new ManualResetEventSlim();

        var redemptions = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var outcomes = new List<(bool StartedAfter, InvitationLedgerOutcome Outcome)>();

            // At least 20 rounds, and on until a few have started after the revocation returned: a fast ledger (in
            // memory) could otherwise finish every round before it, and the first assertion would have nothing to check.
            for (var round = 0; round < 20 || outcomes.Count(o => o.StartedAfter) < 3; round++)
            {
                var startedAfter = Volatile.Read(ref revoked) == 1;
                var node = i % 2 == 0 ? first : second;
                var result = await node.TryConsumeAsync(Request(NewId(), i % 3, issuedAt, inviter: Inviter, joiner: Jid.Parse($"user{i}@shakespeare.example")));
                outcomes.Add((startedAfter, result.Outcome));
                if (!startedAfter)
                {
                    Interlocked.Increment(ref roundsBefore);
                }
            }

            return outcomes;
        })).ToArray();
        start.Set();

        // Revoke once redemptions are under way (a fixed delay could pass, on a loaded machine, before any round ran,
        // and the second assertion would have nothing to check); no task can finish before the revocation returns.
        while (Volatile.Read(ref roundsBefore) < Concurrency)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await first.RevokeIssuedBeforeAsync(Channel, null, Now, InAnHour, TestContext.Current.CancellationToken);
        Volatile.Write(ref revoked, 1);
        var all = (await Task.WhenAll(redemptions)).SelectMany(o => o).ToList();

        all.Where(o => o.StartedAfter).Should().OnlyContain(o => o.Outcome == InvitationLedgerOutcome.Revoked, "a redemption that starts after the revocation returned never gets in");
        all.Where(o => !o.StartedAfter).Should().OnlyContain(o => o.Outcome == InvitationLedgerOutcome.Consumed || o.Outcome == InvitationLedgerOutcome.Revoked);
        (await Consume(second, Request(NewId(), 1, issuedAt))).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    // ---- Issue 19: narrowed copies share their original's entry; a copy's use limit is counted on top ----

    [Fact]
    public async Task CopyLimit_ExhaustsBeforeTheOriginalsLimit_TheOriginalKeepsItsOtherUses()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(2);

        var viaCopy = new[]
        {
            await Consume(first, CopyRequest(id, 10, copies: [copy])),
            await Consume(second, CopyRequest(id, 10, copies: [copy])),
        };
        var third = await Consume(first, CopyRequest(id, 10, copies: [copy]));

        viaCopy.Should().OnlyContain(r => r.Outcome == InvitationLedgerOutcome.Consumed && r.UseId > 0);
        viaCopy.Select(r => r.UseId).Should().OnlyHaveUniqueItems();
        third.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted), "the copy's two uses are taken, though the original has eight left");
        for (var i = 0; i < 8; i++)
        {
            (await Consume(second, CopyRequest(id, 10))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the original's other uses stay");
        }

        (await Consume(first, CopyRequest(id, 10))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "the copy's uses counted against the original's ten");
    }

    [Fact]
    public async Task OriginalsLimit_ExhaustsTheCopyToo()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(5);

        (await Consume(first, CopyRequest(id, 2))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await Consume(second, CopyRequest(id, 2, copies: [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);

        (await Consume(first, CopyRequest(id, 2, copies: [copy]))).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted), "the original's two uses are taken, though the copy has four left");
        (await Consume(second, CopyRequest(id, 2))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TwoCopies_EachCountedApart_BothAgainstTheOriginal()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var a = Copy(2);
        var b = Copy(2);

        var a1 = await Consume(first, CopyRequest(id, 3, copies: [a]));
        (await Consume(second, CopyRequest(id, 3, copies: [a]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await Consume(first, CopyRequest(id, 3, copies: [a]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "copy a's two uses are taken");
        (await Consume(second, CopyRequest(id, 3, copies: [b]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "copy b counts apart from copy a");
        (await Consume(first, CopyRequest(id, 3, copies: [b]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "copy b has a use left, but the original's three are taken");

        (await second.ReleaseAsync(id, Channel, a1.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await Consume(first, CopyRequest(id, 3, copies: [b]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "copy a's use went back to the original, which copy b may take");
        (await Consume(second, CopyRequest(id, 3, copies: [a]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task ChainOfCopies_EachUseCountedAgainstEveryCopyAlongIt()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var outer = Copy(3);
        var inner = Copy(2); // narrowed from the outer copy: its chain carries both restrictions

        (await Consume(first, CopyRequest(id, 10, copies: [outer, inner]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await Consume(second, CopyRequest(id, 10, copies: [outer, inner]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await Consume(first, CopyRequest(id, 10, copies: [outer, inner]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "the inner copy's two uses are taken");
        (await Consume(second, CopyRequest(id, 10, copies: [outer]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the outer copy had counted two of its three");
        (await Consume(first, CopyRequest(id, 10, copies: [outer]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        (await Consume(second, CopyRequest(id, 10, copies: [inner, outer]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "any copy full refuses, whatever the order");
    }

    [Fact]
    public async Task UnlimitedOriginal_CopyLimit_TakesCountedUses_TheOriginalStaysUncounted()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(2);

        var one = await Consume(first, CopyRequest(id, 0, copies: [copy]));
        var two = await Consume(second, CopyRequest(id, 0, copies: [copy]));
        var three = await Consume(first, CopyRequest(id, 0, copies: [copy]));

        one.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        one.UseId.Should().BePositive("a use counted for the copy has an id to release");
        two.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        two.UseId.Should().NotBe(one.UseId);
        three.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted), "the copy's two uses are taken");
        for (var i = 0; i < 5; i++)
        {
            (await Consume(second, CopyRequest(id, 0))).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed), "the original has no limit: only checked, nothing counted");
        }

        (await first.ReleaseAsync(id, Channel, one.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await Consume(second, CopyRequest(id, 0, copies: [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the released use went back to the copy");
        (await Consume(first, CopyRequest(id, 0, copies: [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_CopysUse_GivesItBackToTheOriginalAndTheCopy_Once_AndOnlyToTheCopiesItCounted()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(1);

        var original = await Consume(first, CopyRequest(id, 2));
        var viaCopy = await Consume(second, CopyRequest(id, 2, copies: [copy]));
        (await Consume(first, CopyRequest(id, 2))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);

        (await first.ReleaseAsync(id, Channel, original.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await Consume(second, CopyRequest(id, 2, copies: [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "the original's own use was never counted against the copy");

        (await second.ReleaseAsync(id, Channel, viaCopy.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await first.ReleaseAsync(id, Channel, viaCopy.UseId, TestContext.Current.CancellationToken)).Should().BeFalse("the use was given back already");
        (await second.ReleaseAsync(id, Channel, viaCopy.UseId, TestContext.Current.CancellationToken)).Should().BeFalse();

        var again = await Consume(first, CopyRequest(id, 2, copies: [copy]));
        again.Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the copy has its use back");
        again.UseId.Should().NotBe(viaCopy.UseId);
        (await Consume(second, CopyRequest(id, 2, copies: [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "given back once, not three times");
        (await Consume(second, CopyRequest(id, 2))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the original had both uses back and the copy took one");
        (await Consume(first, CopyRequest(id, 2))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_SameJoinerThroughACopy_SameUseMarkedRepeat_NoSecondUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(1);
        var cat = Jid.Parse("cat@shakespeare.example");

        var taken = await Consume(first, CopyRequest(id, 5, cat, [copy]));
        var again = await Consume(second, CopyRequest(id, 5, Jid.Parse("cat@shakespeare.example/phone"), [copy]));
        var other = await Consume(first, CopyRequest(id, 5, Jid.Parse("rat@shakespeare.example"), [copy]));

        taken.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, taken.UseId));
        again.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, taken.UseId, isRepeat: true), "the joiner holds the copy's one use, even now it is exhausted");
        other.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted), "the retry took no second use of the copy");

        (await second.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        var retaken = await Consume(first, CopyRequest(id, 5, cat, [copy]));
        retaken.Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        retaken.IsRepeat.Should().BeFalse("the released use and its joiner are gone");
        retaken.UseId.Should().NotBe(taken.UseId);
    }

    [Fact]
    public async Task Revoke_Original_RefusesEveryCopy()
    {
        var (first, second) = CreateNodes();
        var limited = NewId();
        var unlimited = NewId();
        var copy = Copy(3);
        var cat = Jid.Parse("cat@shakespeare.example");
        (await Consume(second, CopyRequest(limited, 5, cat, [copy]))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);

        await first.RevokeAsync(limited, Channel, InAnHour, TestContext.Current.CancellationToken);
        await first.RevokeAsync(unlimited, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await Consume(second, CopyRequest(limited, 5, copies: [copy]))).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Revoked));
        (await Consume(second, CopyRequest(limited, 5, cat, [copy]))).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Revoked), "a retry through the copy is no way around the revocation");
        (await Consume(first, CopyRequest(unlimited, 0, copies: [copy]))).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Revoked), "a copy of an unlimited token is refused too");
        await first.RevokeIssuedBeforeAsync(Channel, null, Now, InAnHour, TestContext.Current.CancellationToken);
        var issuedBefore = new InvitationLedgerRequest(NewId(), Channel, 0, InAnHour, Now.AddSeconds(-1), copyLimits: new[] { Copy(1) });
        (await Consume(second, issuedBefore)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Revoked), "the channel's cut-off reaches copies too");
    }

    [Fact]
    public async Task TryConsume_SixtyFourConcurrentThroughOneCopy_LimitThree_OriginalTen_ExactlyThree()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        var copy = Copy(3);
        using var start = new ManualResetEventSlim();

        var attempts = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var node = i % 2 == 0 ? first : second;
            return await node.TryConsumeAsync(CopyRequest(id, 10, Jid.Parse($"user{i}@shakespeare.example"), [copy]));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.Outcome == InvitationLedgerOutcome.Consumed).Should().Be(3);
        results.Where(r => r.Outcome == InvitationLedgerOutcome.Consumed).Select(r => r.UseId).Should().OnlyHaveUniqueItems().And.OnlyContain(u => u > 0);
        results.Where(r => r.Outcome != InvitationLedgerOutcome.Consumed).Should().OnlyContain(r => r == new InvitationLedgerResult(InvitationLedgerOutcome.Exhausted));
        for (var i = 0; i < 7; i++)
        {
            (await Consume(i % 2 == 0 ? first : second, CopyRequest(id, 10))).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "the copy took three of the original's ten");
        }

        (await Consume(first, CopyRequest(id, 10))).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_MixedConcurrentThroughTheOriginalAndTwoCopies_NeverPastAnyLimit()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        const int OriginalLimit = 10;
        var a = Copy(3);
        var b = Copy(4);
        using var start = new ManualResetEventSlim();

        // A third each through the original, copy a and copy b, on both nodes, each joiner once.
        var attempts = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var node = i % 2 == 0 ? first : second;
            InvitationCopyLimit[] copies = (i % 3) switch { 0 => [], 1 => [a], _ => [b] };
            return (Path: i % 3, Result: await node.TryConsumeAsync(CopyRequest(id, OriginalLimit, Jid.Parse($"user{i}@shakespeare.example"), copies)));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var admitted = results.Where(r => r.Result.Outcome == InvitationLedgerOutcome.Consumed).ToList();
        admitted.Count(r => r.Path == 1).Should().BeLessThanOrEqualTo(3, "copy a's limit");
        admitted.Count(r => r.Path == 2).Should().BeLessThanOrEqualTo(4, "copy b's limit");
        admitted.Should().HaveCount(OriginalLimit, "at most the original's ten; and exactly ten, since the 22 through the original are refused only once it is full");
        admitted.Select(r => r.Result.UseId).Should().OnlyHaveUniqueItems();
        results.Where(r => r.Result.Outcome != InvitationLedgerOutcome.Consumed).Should().OnlyContain(r => r.Result.Outcome == InvitationLedgerOutcome.Exhausted);

        // Every use given back: each limit is whole again, and still holds.
        foreach (var use in admitted)
        {
            (await (use.Path == 0 ? second : first).ReleaseAsync(id, Channel, use.Result.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        }

        var afterwards = new List<InvitationLedgerOutcome>();
        for (var i = 0; i < 4; i++)
        {
            afterwards.Add((await Consume(first, CopyRequest(id, OriginalLimit, copies: [a]))).Outcome);
        }

        afterwards.Should().Equal(InvitationLedgerOutcome.Consumed, InvitationLedgerOutcome.Consumed, InvitationLedgerOutcome.Consumed, InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_NarrowedCopyOfTwoUses_ExactlyTwo_SharedWithTheOriginal()
    {
        var (first, second, service) = CreateRedeemers();
        var original = service.Issue(Request(maxUses: 5)).Invitation;
        var narrowed = original.Narrow(new InvitationRestrictions { MaxUses = 2 });
        narrowed.IsNarrowed.Should().BeTrue(narrowed.ToString());

        var results = await RedeemConcurrentlyAsync(first, second, narrowed.Invitation!);

        results.Count(r => r.IsValid).Should().Be(2);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
        var later = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            later.Add((await (i % 2 == 0 ? first : second).RedeemAsync(original, Join(100 + i), TestContext.Current.CancellationToken)).IsValid);
        }

        later.Should().Equal([true, true, true, false], "the copy's two uses were the original's");
    }

    [Fact]
    public void Request_CopyLimitOutsideOneTo65535_Throws()
    {
        var id = NewId();
        InvitationLedgerRequest With(int maxUses) => new(id, Channel, 1, InAnHour, Now, copyLimits: new[] { Copy(1), new InvitationCopyLimit(NewId(), maxUses) });

        foreach (var bad in new[] { int.MinValue, -1, 0, 65536, int.MaxValue })
        {
            FluentActions.Invoking(() => With(bad)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("copyLimits");
        }

        With(1).CopyLimits.Length.Should().Be(2);
        With(65535).TakesUse.Should().BeTrue();
        new InvitationLedgerRequest(id, Channel, 0, InAnHour, Now, copyLimits: new[] { Copy(1) }).TakesUse.Should().BeTrue("a copy's limit takes a use though the original has none");
        new InvitationLedgerRequest(id, Channel, 0, InAnHour, Now).TakesUse.Should().BeFalse();
    }

    private static InvitationCopyLimit Copy(int maxUses) => new(NewId(), maxUses);

    private InvitationLedgerRequest CopyRequest(InvitationTokenId id, int maxUses, Jid? joiner = null, InvitationCopyLimit[]? copies = null) =>
        new(id, Channel, maxUses, InAnHour, Now, joiner: joiner, copyLimits: copies);

    private static ValueTask<InvitationLedgerResult> Consume(IInvitationLedger ledger, InvitationLedgerRequest request) =>
        ledger.TryConsumeAsync(request, TestContext.Current.CancellationToken);

    private InvitationLedgerRequest Request(InvitationTokenId id, int maxUses, DateTimeOffset issuedAt, Jid? inviter = null, Jid? joiner = null, Jid? channel = null, DateTimeOffset? retainUntil = null) =>
        new(id, channel ?? Channel, maxUses, retainUntil ?? InAnHour, issuedAt, inviter, joiner);
}
