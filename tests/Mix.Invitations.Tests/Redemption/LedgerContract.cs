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

    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    private static readonly Jid OtherChannel = Jid.Parse("other@mix.shakespeare.example");
    private static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");

    /// <summary>Gets the clock the redeemers validate with; the ledger's store must agree with it to within minutes.</summary>
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

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_UseLimitThree_ThreeConsumedThenExhausted()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        var outcomes = new List<InvitationLedgerOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await ledger.TryConsumeAsync(id, Channel, 3, InAnHour, TestContext.Current.CancellationToken));
        }

        outcomes.Should().Equal(
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Consumed,
            InvitationLedgerOutcome.Exhausted,
            InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_NotUseLimited_AlwaysConsumed()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        for (var i = 0; i < 10; i++)
        {
            (await ledger.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        }
    }

    [Fact]
    public async Task TryConsume_OnOtherNode_SeesTheUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();

        (await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await second.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_SameIdOtherChannel_IsCountedApart()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, OtherChannel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
    }

    [Fact]
    public async Task TryConsume_RetentionAlreadyPassed_KeepsNothing()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        var past = Time.GetUtcNow().AddHours(-1);

        (await ledger.TryConsumeAsync(id, Channel, 1, past, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, Channel, 1, past, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed, "an entry past its retention is gone");
    }

    [Fact]
    public async Task Revoke_UseLimited_ConsumeIsRevoked()
    {
        var (first, second) = CreateNodes();
        var id = NewId();

        await first.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await second.TryConsumeAsync(id, Channel, 5, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_NotUseLimited_ConsumeIsRevoked()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        (await second.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);

        await first.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        (await second.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_AfterExhausted_ReportsRevoked()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);

        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken); // twice does no harm

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Revoke_RetentionAlreadyPassed_KeepsNothing()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        await ledger.RevokeAsync(id, Channel, Time.GetUtcNow().AddHours(-1), TestContext.Current.CancellationToken);

        (await ledger.TryConsumeAsync(id, Channel, 0, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
    }

    [Fact]
    public async Task Release_AfterConsume_GivesBackOneUse()
    {
        var (first, second) = CreateNodes();
        var id = NewId();
        await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);

        await second.ReleaseAsync(id, Channel, TestContext.Current.CancellationToken);

        (await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await first.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_WithoutUse_GivesNothingExtra()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        await ledger.ReleaseAsync(id, Channel, TestContext.Current.CancellationToken);
        await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken);
        await ledger.ReleaseAsync(id, Channel, TestContext.Current.CancellationToken);
        await ledger.ReleaseAsync(id, Channel, TestContext.Current.CancellationToken);

        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, Channel, 1, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task Release_Revoked_StaysRevoked()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();
        await ledger.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(id, Channel, InAnHour, TestContext.Current.CancellationToken);

        await ledger.ReleaseAsync(id, Channel, TestContext.Current.CancellationToken);

        (await ledger.TryConsumeAsync(id, Channel, 2, InAnHour, TestContext.Current.CancellationToken)).Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task Methods_EmptyChannel_Throw()
    {
        var (ledger, _) = CreateNodes();
        var id = NewId();

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(id, default, 1, InAnHour)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.RevokeAsync(id, default, InAnHour)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.ReleaseAsync(id, default)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(id, Channel, -1, InAnHour)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("maxUses");
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_SingleUse_ExactlyOneSucceeds()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 1));

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Count(r => r.IsValid).Should().Be(1);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_UseLimitFive_ExactlyFiveSucceed()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 5));

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Count(r => r.IsValid).Should().Be(5);
        results.Where(r => !r.IsValid).Should().OnlyContain(r => r.Reason == InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task RedeemAsync_64ConcurrentOverTwoNodes_Revoked_NoneSucceeds()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 5));
        (await second.RevokeAsync(invitation, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        var results = await RedeemConcurrentlyAsync(first, second, invitation);

        results.Should().OnlyContain(r => r.Reason == InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task RedeemTokenAsync_UnlimitedBearerRevokedOnOtherNode_IsRevoked()
    {
        var (first, second, service) = CreateRedeemers();
        var bearer = service.Issue(new InvitationRequest { Channel = Channel, Policy = BindingPolicies.UnboundName });
        var context = new InvitationContext(null, Channel);
        (await first.RedeemTokenAsync(bearer.Token, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await first.RedeemTokenAsync(bearer.Token, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue("a token without a use limit redeems again and again");

        (await second.RevokeTokenAsync(bearer.Token, Channel, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        (await first.RedeemTokenAsync(bearer.Token, context, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task ReleaseAsync_AfterFailedJoin_TokenRedeemsAgainOnOtherNode()
    {
        var (first, second, service) = CreateRedeemers();
        var invitation = service.Issue(Request(maxUses: 1));
        var redeemed = await first.RedeemAsync(invitation, new InvitationContext(null, Channel), TestContext.Current.CancellationToken);
        redeemed.IsValid.Should().BeTrue();

        (await first.ReleaseAsync(redeemed.Claims, TestContext.Current.CancellationToken)).Should().BeTrue();

        (await second.RedeemAsync(invitation, new InvitationContext(null, Channel), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await second.RedeemAsync(invitation, new InvitationContext(null, Channel), TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    protected static InvitationTokenId NewId() => new(RandomNumberGenerator.GetBytes(InvitationTokenId.Size));

    private static InvitationRequest Request(int maxUses) => new()
    {
        Channel = Channel,
        Inviter = Inviter,
        Policy = BindingPolicies.InviterBoundName,
        MaxUses = maxUses,
    };

    private (InvitationRedeemer First, InvitationRedeemer Second, InvitationService Service) CreateRedeemers()
    {
        var (firstLedger, secondLedger) = CreateNodes();
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });

        // Two nodes: each its own service and redeemer, sharing only the key ring and the ledger's state.
        var firstService = InvitationService.Create(options, Time);
        var secondService = InvitationService.Create(options, Time);
        return (new InvitationRedeemer(firstService, firstLedger), new InvitationRedeemer(secondService, secondLedger), firstService);
    }

    private static async Task<InvitationValidationResult[]> RedeemConcurrentlyAsync(InvitationRedeemer first, InvitationRedeemer second, Invitation invitation)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var redeemer = i % 2 == 0 ? first : second;
            return await redeemer.RedeemAsync(invitation, new InvitationContext(Jid.Parse($"user{i}@shakespeare.example"), Channel));
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
