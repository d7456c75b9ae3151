using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// Redis going away and coming back. Each test starts its own server (it kills it), with two nodes: two connections,
/// two ledgers, two redeemers sharing the key ring.
/// </summary>
public sealed class RedisFaultTests
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    [Fact]
    public async Task RedemptionTimesOutAfterRedisActed_SameJoinersRetryIsAdmittedWithoutASecondUse()
    {
        using var server = RedisServer.Start();
        await using var connection = await server.ConnectAsync(commandTimeoutMs: 300);
        await using var admin = await server.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection);
        var id = new InvitationTokenId(System.Security.Cryptography.RandomNumberGenerator.GetBytes(InvitationTokenId.Size));
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);
        var cat = Jid.Parse("cat@shakespeare.example");
        InvitationLedgerRequest As(Jid joiner) => new(id, Channel, 2, retainUntil, retainUntil.AddHours(-2), joiner: joiner);

        // Another client keeps the server busy for 2.5 s (under the 5 s script time limit). The consume sent meanwhile
        // waits in the server's socket, the client gives up after 300 ms, and then the server runs it: the use is
        // taken and its answer lost — the timeout a server retries after.
        var busy = admin.GetDatabase().ScriptEvaluateAsync("""
            local s = redis.call('TIME')
            repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 2500000
            return 1
            """);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(As(cat), TestContext.Current.CancellationToken))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>();
        await busy;

        var retry = await ledger.TryConsumeAsync(As(cat), TestContext.Current.CancellationToken);

        retry.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, 1, isRepeat: true), "the use the lost answer carried is the joiner's");
        (await connection.GetDatabase().SetLengthAsync($"mixinv:{{{RedisInvitationLedger.ChannelHash(Channel)}}}:u:{id}")).Should().Be(1, "one use counted");
        (await ledger.TryConsumeAsync(As(Jid.Parse("rat@shakespeare.example")), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(As(Jid.Parse("bat@shakespeare.example")), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task RedisStoppedDuringRun_RefusesWithLedgerUnavailable_NeverSucceeds_AndRecoversAfterRestart()
    {
        using var server = RedisServer.Start();
        await using var nodes = await Nodes.ConnectAsync(server);
        var tokens = Enumerable.Range(0, 40).Select(_ => nodes.Service.Issue(Request(maxUses: 1)).Invitation).ToArray();
        var bearer = nodes.Service.Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName }).Invitation;

        // Before the stop: the first half redeems, once.
        for (var i = 0; i < 20; i++)
        {
            (await nodes.First.RedeemAsync(tokens[i], Join, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        }

        server.Kill();

        // While stopped: every redemption on either node is refused as LedgerUnavailable — limited or not.
        var whileDown = new List<InvitationRedemptionResult>();
        for (var i = 0; i < 40; i++)
        {
            var redeemer = i % 2 == 0 ? nodes.First : nodes.Second;
            whileDown.Add(await redeemer.RedeemAsync(tokens[i], Join, TestContext.Current.CancellationToken));
        }

        whileDown.Add(await nodes.Second.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken));
        whileDown.Should().OnlyContain(r => r.Reason == InvitationFailureReason.LedgerUnavailable);
        (await nodes.First.RevokeAsync(tokens[39], TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.LedgerUnavailable);

        server.Restart(); // same port; without persistence, so the restarted server is empty

        // Redemption works again once the connections are back.
        var first = await RedeemWhenBackAsync(nodes.First, tokens[20]);
        first.IsValid.Should().BeTrue();
        (await RedeemWhenBackAsync(nodes.Second, tokens[20], JoinAs("rat"))).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        for (var i = 21; i < 40; i++)
        {
            (await RedeemWhenBackAsync(i % 2 == 0 ? nodes.First : nodes.Second, tokens[i])).IsValid.Should().BeTrue();
        }
    }

    [Fact]
    public async Task RedisKilledDuringConcurrentRun_NoTokenRedeemsTwice_AndFailuresAreLedgerUnavailable()
    {
        using var server = RedisServer.Start();
        await using var nodes = await Nodes.ConnectAsync(server);
        var tokens = Enumerable.Range(0, 200).Select(_ => nodes.Service.Issue(Request(maxUses: 1)).Invitation).ToArray();

        // Each token is redeemed once on each node, concurrently, while the server is killed part-way through.
        var killed = false;
        var results = new (int Token, InvitationRedemptionResult Result)[tokens.Length * 2];
        var tasks = new List<Task>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i == tokens.Length / 4)
            {
                await Task.WhenAll(tasks);
                server.Kill();
                killed = true;
            }

            var index = i;
            tasks.Add(Task.Run(async () => results[2 * index] = (index, await nodes.First.RedeemAsync(tokens[index], Join))));
            tasks.Add(Task.Run(async () => results[(2 * index) + 1] = (index, await nodes.Second.RedeemAsync(tokens[index], JoinAs("rat")))));
        }

        await Task.WhenAll(tasks);

        killed.Should().BeTrue();
        results.GroupBy(r => r.Token).Should().OnlyContain(g => g.Count(r => r.Result.IsValid) <= 1, "a single-use token never redeems twice");
        results.Where(r => !r.Result.IsValid).Should().OnlyContain(r =>
            r.Result.Reason == InvitationFailureReason.UsesExhausted || r.Result.Reason == InvitationFailureReason.LedgerUnavailable);
        results.Where(r => r.Token >= tokens.Length / 4).Should().OnlyContain(r => r.Result.Reason == InvitationFailureReason.LedgerUnavailable, "after the kill nothing succeeds");
        results.Where(r => r.Token < tokens.Length / 4).Should().OnlyContain(r => r.Result.IsValid || r.Result.Reason == InvitationFailureReason.UsesExhausted);
        results.Count(r => r.Result.IsValid).Should().Be(tokens.Length / 4);
    }

    [Fact]
    public async Task RedisRestartedWithAof_ConsumedTokenStaysConsumed_RevokedStaysRevoked()
    {
        using var server = RedisServer.Start(appendOnly: true);
        await using var nodes = await Nodes.ConnectAsync(server);
        var single = nodes.Service.Issue(Request(maxUses: 1)).Invitation;
        var limited = nodes.Service.Issue(Request(maxUses: 3)).Invitation;
        var bearer = nodes.Service.Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName }).Invitation;
        var fresh = nodes.Service.Issue(Request(maxUses: 1)).Invitation;
        (await nodes.First.RedeemAsync(single, Join, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await nodes.First.RedeemAsync(limited, Join, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await nodes.First.RedeemAsync(limited, JoinAs("rat"), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await nodes.First.RevokeBearerAsync(bearer.Token, Channel, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        server.Kill(); // SIGKILL: no shutdown save; only the AOF (appendfsync always) keeps the writes
        server.Restart();

        (await RedeemWhenBackAsync(nodes.Second, single, JoinAs("rat"))).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await RedeemWhenBackAsync(nodes.Second, single)).IsRepeat.Should().BeTrue("the joiner's record survives the restart with its use");
        (await RedeemWhenBackAsync(nodes.Second, limited, JoinAs("bat"))).IsValid.Should().BeTrue("one of three uses was left");
        (await RedeemWhenBackAsync(nodes.Second, limited, JoinAs("owl"))).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
        (await nodes.Second.RedeemBearerAsync(bearer.Token, new InvitationContext { Channel = Channel }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await nodes.Second.RedeemAsync(fresh, Join, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
    }

    private static InvitationContext Join => JoinAs("cat");

    /// <summary>Another joiner: the same one redeeming again is a retry that takes no second use.</summary>
    private static InvitationContext JoinAs(string user) => new() { Channel = Channel, Joiner = Jid.Parse($"{user}@shakespeare.example") };

    private static InvitationIssueRequest Request(int maxUses) => new()
    {
        Channel = Channel,
        Inviter = Jid.Parse("hag66@shakespeare.example"),
        Policy = BindingPolicies.InviterBoundName,
        MaxUses = maxUses,
    };

    /// <summary>Redeems, retrying while the ledger is still unavailable (bounded: 150 tries, 100 ms apart), as a client would retry its join.</summary>
    private static async Task<InvitationRedemptionResult> RedeemWhenBackAsync(InvitationRedeemer redeemer, Invitation invitation, InvitationContext? context = null)
    {
        InvitationRedemptionResult result = default;
        for (var attempt = 0; attempt < 150; attempt++)
        {
            result = await redeemer.RedeemAsync(invitation, context ?? Join);
            if (result.Reason != InvitationFailureReason.LedgerUnavailable)
            {
                return result;
            }

            await Task.Delay(100);
        }

        return result;
    }

    private sealed class Nodes : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _firstConnection;
        private readonly ConnectionMultiplexer _secondConnection;

        private Nodes(ConnectionMultiplexer firstConnection, ConnectionMultiplexer secondConnection)
        {
            _firstConnection = firstConnection;
            _secondConnection = secondConnection;
            var options = new MixInvitationOptions();
            options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
            var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
            Service = InvitationService.Create(options, time);
            First = new InvitationRedeemer(Service, new RedisInvitationLedger(firstConnection));
            Second = new InvitationRedeemer(InvitationService.Create(options, time), new RedisInvitationLedger(secondConnection));
        }

        public InvitationService Service { get; }

        public InvitationRedeemer First { get; }

        public InvitationRedeemer Second { get; }

        public static async Task<Nodes> ConnectAsync(RedisServer server) =>
            new(await server.ConnectAsync(), await server.ConnectAsync());

        public async ValueTask DisposeAsync()
        {
            await _firstConnection.DisposeAsync();
            await _secondConnection.DisposeAsync();
        }
    }
}
