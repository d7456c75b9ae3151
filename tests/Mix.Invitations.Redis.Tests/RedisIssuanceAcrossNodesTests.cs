using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// Issue 18, requirement 3: the same answers on every node. Two services, each with its own connection, Redis limiter,
/// Redis ledger and built-in rules, share one real redis-server; concurrent issues spread over both admit exactly the
/// configured number per window, and the next window admits that number again.
/// </summary>
public sealed class RedisIssuanceAcrossNodesTests : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private const int Requests = 40;

    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    private readonly RedisServerFixture _fixture;
    private readonly List<IAsyncDisposable> _owned = [];

    // Ten seconds into a minute window: the refusals' retry-after is the 50 seconds left of it.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero));

    public RedisIssuanceAcrossNodesTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task IssueAsync_OneInviterOverTwoNodes_AdmitsExactlyTheInvitersRatePerWindow()
    {
        var (first, second) = await NodesAsync(o =>
        {
            o.Issuance.Roles[InvitationRoles.Participant].InviterRate = new() { PermitLimit = 7, Window = TimeSpan.FromMinutes(1) };
            o.Issuance.ChannelRate = null;
        });

        for (var window = 0; window < 2; window++)
        {
            var results = await IssueConcurrentlyAsync(first, second, _ => Jid.Parse("hag66@shakespeare.example"));

            results.Count(r => r.IsIssued).Should().Be(7, $"window {window}: the inviter's rate is 7 a minute, whichever node is asked");
            results.Where(r => !r.IsIssued).Should().AllSatisfy(r =>
            {
                r.Reason.Should().Be(InvitationIssueRefusalReason.InviterRateExceeded);
                r.RetryAfter.Should().Be(TimeSpan.FromSeconds(50));
                r.StanzaError.Type.Should().Be("wait");
                r.StanzaError.Condition.Should().Be("resource-constraint");
            });
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task IssueAsync_ManyInvitersOverTwoNodes_AdmitExactlyTheChannelsRatePerWindow()
    {
        var (first, second) = await NodesAsync(o =>
        {
            o.Issuance.Roles[InvitationRoles.Participant].InviterRate = null;
            o.Issuance.ChannelRate = new() { PermitLimit = 11, Window = TimeSpan.FromMinutes(1) };
        });

        for (var window = 0; window < 2; window++)
        {
            var results = await IssueConcurrentlyAsync(first, second, i => Jid.Parse($"user{i}@shakespeare.example"));

            results.Count(r => r.IsIssued).Should().Be(11, $"window {window}: the channel's rate is 11 a minute, whichever node and inviter");
            results.Where(r => !r.IsIssued).Select(r => r.Reason).Should().AllBeEquivalentTo(InvitationIssueRefusalReason.ChannelRateExceeded);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private static async Task<InvitationIssueResult[]> IssueConcurrentlyAsync(InvitationService first, InvitationService second, Func<int, Jid> inviter)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var node = i % 2 == 0 ? first : second;
            return await node.IssueAsync(
                new InvitationIssueRequest
                {
                    Channel = Channel,
                    Inviter = inviter(i),
                    Invitee = Jid.Parse($"guest{i}@shakespeare.example"),
                    Policy = BindingPolicies.InviteeBoundName,
                    InviterRole = InvitationRoles.Participant,
                    ChannelAllowsParticipantInvitations = true,
                },
                TestContext.Current.CancellationToken);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Two nodes: separate connections, limiters, ledgers and services, sharing the server, a key prefix and the clock.</summary>
    private async Task<(InvitationService First, InvitationService Second)> NodesAsync(Action<MixInvitationOptions> configure)
    {
        var prefix = $"nodes-{Guid.NewGuid():N}:";
        return (await NodeAsync(prefix, configure), await NodeAsync(prefix, configure));
    }

    private async Task<InvitationService> NodeAsync(string prefix, Action<MixInvitationOptions> configure)
    {
        var connection = await _fixture.Server.ConnectAsync();
        _owned.Add((IAsyncDisposable)connection);
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        configure(options);
        var limiter = new RedisIssuanceLimiter(connection, prefix, timeProvider: _time);
        var ledger = new RedisInvitationLedger(connection, prefix, timeProvider: _time);
        _owned.Add(limiter);
        _owned.Add(ledger);
        return InvitationService.Create(options, _time, issuancePolicies: InvitationIssuanceRules.Create(options, limiter, ledger));
    }
}
