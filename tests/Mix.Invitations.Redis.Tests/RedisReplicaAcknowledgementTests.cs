using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// <see cref="RedisInvitationLedgerOptions.ReplicaAcknowledgements"/>: a write that admits or revokes is answered only
/// once a replica has it (Redis's WAIT, pipelined behind the script); refusals are answered without waiting.
/// </summary>
public sealed class RedisReplicaAcknowledgementTests
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    private static readonly Jid Cat = Jid.Parse("cat@shakespeare.example");
    private static readonly Jid Rat = Jid.Parse("rat@shakespeare.example");

    [Theory]
    [InlineData(-1, 500, "ReplicaAcknowledgements")]
    [InlineData(1, 0, "ReplicaAcknowledgementTimeout")]
    [InlineData(1, -5, "ReplicaAcknowledgementTimeout")]
    [InlineData(2, 60_001, "ReplicaAcknowledgementTimeout")]
    public void Options_OutOfRange_AreRefusedWithTheirName(int replicas, int timeoutMs, string named)
    {
        var options = new RedisInvitationLedgerOptions
        {
            Configuration = "127.0.0.1:1,abortConnect=false",
            ReplicaAcknowledgements = replicas,
            ReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(timeoutMs),
        };

        FluentActions.Invoking(() => new RedisInvitationLedger(options)).Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain(named);
    }

    [Fact]
    public void Options_NoWait_IgnoresTheTimeout_AndTheDefaultsAreNoWaitAnd500Ms()
    {
        var defaults = new RedisInvitationLedgerOptions();
        defaults.ReplicaAcknowledgements.Should().Be(0);
        defaults.ReplicaAcknowledgementTimeout.Should().Be(TimeSpan.FromMilliseconds(500));

        var options = new RedisInvitationLedgerOptions { Configuration = "127.0.0.1:1,abortConnect=false", ReplicaAcknowledgementTimeout = TimeSpan.Zero };
        FluentActions.Invoking(() => new RedisInvitationLedger(options).Dispose()).Should().NotThrow("the timeout is used only when waiting");
    }

    [Fact]
    public async Task NoReplica_WaitForOne_AdmittingWritesAreRefusedAsUnavailable_RefusalsAndReadsAnswer()
    {
        using var server = RedisServer.Start();
        await using var connection = await server.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, WaitForOne(TimeSpan.FromMilliseconds(100)), null);
        var id = NewId();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(Request(id, Cat, retainUntil), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>("no replica has the use");
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(Request(id, Cat, retainUntil), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>("the joiner's retry is answered its use only once a replica has it");
        (await ledger.TryConsumeAsync(Request(id, Rat, retainUntil), TestContext.Current.CancellationToken)).Outcome
            .Should().Be(InvitationLedgerOutcome.Exhausted, "a refusal admits nothing, so it does not wait (the primary did take the use)");
        (await ledger.TryConsumeAsync(Request(NewId(), Cat, retainUntil, maxUses: 0), TestContext.Current.CancellationToken)).Outcome
            .Should().Be(InvitationLedgerOutcome.Consumed, "a token without a use limit writes nothing");
        await FluentActions.Awaiting(async () => await ledger.RevokeAsync(NewId(), Channel, retainUntil, TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>();
        await FluentActions.Awaiting(async () => await ledger.RevokeIssuedBeforeAsync(Channel, null, retainUntil.AddHours(-1), retainUntil, TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>();
        (await ledger.TryReserveAsync(Channel, 1, 5, retainUntil, TestContext.Current.CancellationToken)).Should().Be(InvitationLimitResult.Unavailable);
    }

    [Fact]
    public async Task NoReplica_WaitForOne_TheRedeemerRefusesWithLedgerUnavailable()
    {
        using var server = RedisServer.Start();
        await using var connection = await server.ConnectAsync();
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        var service = InvitationService.Create(options, TimeProvider.System);
        var redeemer = new InvitationRedeemer(service, new RedisInvitationLedger(connection, WaitForOne(TimeSpan.FromMilliseconds(100)), null));
        var invitation = service.Issue(new InvitationIssueRequest { Channel = Channel, Inviter = Jid.Parse("hag66@shakespeare.example"), Policy = BindingPolicies.InviterBoundName, MaxUses = 1 }).Invitation;

        var result = await redeemer.RedeemAsync(invitation, new InvitationContext { Channel = Channel, Joiner = Cat }, TestContext.Current.CancellationToken);

        result.IsValid.Should().BeFalse();
        result.Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);
    }

    [Fact]
    public async Task PrimaryWithReplica_WaitForOne_Admits_AndTheReplicaHasTheUseWhenTheAnswerComes()
    {
        using var primary = RedisServer.Start();
        using var replica = RedisServer.StartReplicaOf(primary);
        await using var connection = await primary.ConnectAsync();
        await using var second = await primary.ConnectAsync();
        var first = new RedisInvitationLedger(connection, WaitForOne(TimeSpan.FromSeconds(2)), null);
        var other = new RedisInvitationLedger(second, WaitForOne(TimeSpan.FromSeconds(2)), null);
        var id = NewId();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        var admitted = await first.TryConsumeAsync(Request(id, Cat, retainUntil), TestContext.Current.CancellationToken);

        admitted.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 1, isRepeat: false));
        replica.Query("SCARD", $"mixinv:{{{RedisInvitationLedger.ChannelHash(Channel)}}}:u:{id}").Should().Be("1", "WAIT answered only once the replica had the use");
        (await other.TryConsumeAsync(Request(id, Rat, retainUntil), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        (await other.TryConsumeAsync(Request(id, Cat, retainUntil), TestContext.Current.CancellationToken)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 1, isRepeat: true));
        (await other.ReleaseAsync(id, Channel, 1, TestContext.Current.CancellationToken)).Should().BeTrue();
        replica.Query("SCARD", $"mixinv:{{{RedisInvitationLedger.ChannelHash(Channel)}}}:u:{id}").Should().Be("0", "the release was acknowledged too");
        await first.RevokeAsync(id, Channel, retainUntil, TestContext.Current.CancellationToken);
        replica.Query("HGET", $"mixinv:{{{RedisInvitationLedger.ChannelHash(Channel)}}}:t:{id}", "r").Should().Be("1");
        (await first.TryReserveAsync(Channel, 1, 5, retainUntil, TestContext.Current.CancellationToken)).Should().Be(InvitationLimitResult.Acquired);
    }

    [Fact]
    public async Task WaitGoesRightBehindTheScript_OnTheSameConnection()
    {
        using var primary = RedisServer.Start();
        using var replica = RedisServer.StartReplicaOf(primary);
        await using var connection = await primary.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, WaitForOne(TimeSpan.FromSeconds(2)), null);
        var id = NewId();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);
        using var monitor = primary.Monitor();

        (await ledger.TryConsumeAsync(Request(id, Cat, retainUntil), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        monitor.WaitFor("\"WAIT\"");

        AssertWaitFollowsScript(monitor.Lines, id);
    }

    /// <summary>The script that names <paramref name="id"/> is followed, from the same client connection and with nothing of that connection between, by <c>WAIT 1</c>.</summary>
    internal static void AssertWaitFollowsScript(IReadOnlyList<string> lines, InvitationTokenId id)
    {
        var script = lines.Select((line, index) => (line, index)).Single(l => l.line.Contains("\"EVAL", StringComparison.OrdinalIgnoreCase) && l.line.Contains(id.ToString(), StringComparison.Ordinal));
        var client = RedisMonitor.ClientOf(script.line);
        var next = lines.Skip(script.index + 1).First(l => RedisMonitor.ClientOf(l) == client);
        next.Should().Contain("\"WAIT\" \"1\"", "the WAIT covers the script's writes only if it comes on the same connection, after it");
    }

    [Fact]
    public async Task ReplicaDown_UseRefused_ReplicaBack_SameJoinersRetryIsAnsweredItsUse_WithoutASecond()
    {
        using var primary = RedisServer.Start();
        using var replica = RedisServer.StartReplicaOf(primary);
        await using var connection = await primary.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, WaitForOne(TimeSpan.FromMilliseconds(200)), null);
        var id = NewId();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        replica.Kill();
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(Request(id, Cat, retainUntil, maxUses: 2), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>();
        replica.Restart();
        replica.WaitForReplicaInSync();

        (await ledger.TryConsumeAsync(Request(id, Cat, retainUntil, maxUses: 2), TestContext.Current.CancellationToken))
            .Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 1, isRepeat: true), "the use the refused attempt took is the joiner's");
        (await ledger.TryConsumeAsync(Request(id, Rat, retainUntil, maxUses: 2), TestContext.Current.CancellationToken))
            .Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 2, isRepeat: false), "one use of two was spent");
    }

    [Fact]
    public async Task AddRedisLedger_ReplicaAcknowledgementsFromTheOptions_ReachTheRegisteredLedger()
    {
        using var server = RedisServer.Start();
        var services = new ServiceCollection();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }))
            .AddRedisLedger(o =>
            {
                o.Configuration = server.ConnectionString;
                o.ReplicaAcknowledgements = 1;
                o.ReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(100);
            });
        await using var provider = services.BuildServiceProvider();
        var ledger = provider.GetRequiredService<IInvitationLedger>();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(Request(NewId(), Cat, retainUntil), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>("the server has no replica to acknowledge the use");
    }

    [Fact]
    public void AddRedisLedger_ReplicaAcknowledgementsOutOfRange_FailWhenTheLedgerIsResolved()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations().AddRedisLedger(o =>
        {
            o.Configuration = "127.0.0.1:1,abortConnect=false";
            o.ReplicaAcknowledgements = -1;
        });
        using var provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IInvitationLedger>()).Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("ReplicaAcknowledgements");
    }

    private static RedisInvitationLedgerOptions WaitForOne(TimeSpan timeout) => new() { ReplicaAcknowledgements = 1, ReplicaAcknowledgementTimeout = timeout };

    private static InvitationTokenId NewId() => new(RandomNumberGenerator.GetBytes(InvitationTokenId.Size));

    private static InvitationLedgerRequest Request(InvitationTokenId id, Jid joiner, DateTimeOffset retainUntil, int maxUses = 1) =>
        new(id, Channel, maxUses, retainUntil, retainUntil.AddHours(-2), joiner: joiner);
}
