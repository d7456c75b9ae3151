using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// What every <see cref="IInvitationIssuanceLimiter"/> answers, over the Redis limiter: two "nodes" are two connections
/// to one server, each with its own limiter, on one fake clock. Written in the shape of a contract suite (a clock and two
/// nodes, public API only, partitions of each test's own), so that it can become a subclass of the shared
/// <c>IssuanceLimiterContract</c> once that exists: move the tests, keep <see cref="Time"/> and <see cref="CreateNodes"/>.
/// </summary>
public sealed class RedisIssuanceLimiterBehaviourTests : IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly RedisServerFixture _fixture;
    private readonly List<IConnectionMultiplexer> _connections = [];

    public RedisIssuanceLimiterBehaviourTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    /// <summary>Gets the clock the limiters decide by: a whole hour, so an hour's window starts now.</summary>
    private FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string KeyPrefix { get; } = $"limit-{Guid.NewGuid():N}:";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryAcquire_UpToTheLimit_ThenExceededWithRetryAfterToTheWindowsEnd()
    {
        var (limiter, _) = CreateNodes();
        var partition = NewPartition();

        for (var i = 0; i < 5; i++)
        {
            (await limiter.TryAcquireAsync(partition, 5, Hour, Ct)).IsAcquired.Should().BeTrue();
        }

        var refused = await limiter.TryAcquireAsync(partition, 5, Hour, Ct);
        refused.IsAcquired.Should().BeFalse();
        refused.IsUnavailable.Should().BeFalse();
        refused.RetryAfter.Should().Be(Hour, "the window began now");

        Time.Advance(TimeSpan.FromMinutes(20) + TimeSpan.FromMilliseconds(250));
        (await limiter.TryAcquireAsync(partition, 5, Hour, Ct)).RetryAfter.Should().Be(TimeSpan.FromMinutes(40) - TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task TryAcquire_NextWindow_RestoresTheLimit()
    {
        var (first, second) = CreateNodes();
        var partition = NewPartition();
        for (var i = 0; i < 3; i++)
        {
            (await first.TryAcquireAsync(partition, 3, Hour, Ct)).IsAcquired.Should().BeTrue();
        }

        Time.Advance(Hour - TimeSpan.FromMilliseconds(1));
        (await second.TryAcquireAsync(partition, 3, Hour, Ct)).RetryAfter.Should().Be(TimeSpan.FromMilliseconds(1), "the window ends on the hour");

        Time.Advance(TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 3; i++)
        {
            (await second.TryAcquireAsync(partition, 3, Hour, Ct)).IsAcquired.Should().BeTrue("a new window began on the hour");
        }

        (await first.TryAcquireAsync(partition, 3, Hour, Ct)).RetryAfter.Should().Be(Hour);
    }

    [Fact]
    public async Task TryAcquire_WindowsAreAlignedToTheEpoch_NotToTheFirstAcquire()
    {
        var (limiter, _) = CreateNodes();
        var partition = NewPartition();
        Time.Advance(TimeSpan.FromMinutes(59));

        (await limiter.TryAcquireAsync(partition, 1, Hour, Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(partition, 1, Hour, Ct)).RetryAfter.Should().Be(TimeSpan.FromMinutes(1));

        Time.Advance(TimeSpan.FromMinutes(1));
        (await limiter.TryAcquireAsync(partition, 1, Hour, Ct)).IsAcquired.Should().BeTrue("the hour turned, one minute after the first permit");
    }

    [Fact]
    public async Task TryAcquire_PartitionsAreIndependent()
    {
        var (first, second) = CreateNodes();
        var partition = NewPartition();
        var other = NewPartition();
        (await first.TryAcquireAsync(partition, 1, Hour, Ct)).IsAcquired.Should().BeTrue();

        (await second.TryAcquireAsync(other, 1, Hour, Ct)).IsAcquired.Should().BeTrue();
        (await second.TryAcquireAsync(partition, 1, Hour, Ct)).IsAcquired.Should().BeFalse();
        (await first.TryAcquireAsync(other, 1, Hour, Ct)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryAcquire_SeenByTheOtherNode()
    {
        var (first, second) = CreateNodes();
        var partition = NewPartition();

        (await first.TryAcquireAsync(partition, 2, Hour, Ct)).IsAcquired.Should().BeTrue();
        (await second.TryAcquireAsync(partition, 2, Hour, Ct)).IsAcquired.Should().BeTrue();
        (await first.TryAcquireAsync(partition, 2, Hour, Ct)).IsAcquired.Should().BeFalse();
        (await second.TryAcquireAsync(partition, 2, Hour, Ct)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryAcquire_ConcurrentAcrossNodes_ExactlyTheLimitIsAcquired_InEachWindow()
    {
        // The cross-node test: 200 concurrent acquires for one partition, split over two limiters on two separate
        // connections to one redis-server, with a limit of 37 — exactly 37 succeed, and again in the next window.
        var (first, second) = CreateNodes();
        var partition = NewPartition();
        var window = TimeSpan.FromMinutes(1);
        const int Attempts = 200;
        const int Limit = 37;

        for (var round = 0; round < 2; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, Attempts).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await (i % 2 == 0 ? first : second).TryAcquireAsync(partition, Limit, window, Ct);
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(racers);

            results.Should().NotContain(r => r.IsUnavailable);
            results.Count(r => r.IsAcquired).Should().Be(Limit, "round {0}: the count is shared by both nodes", round);
            results.Where(r => !r.IsAcquired).Should().OnlyContain(r => r.RetryAfter == window);
            // Which node wins how many is up to the scheduler (on a loaded machine one node's racers may all come first);
            // only the sum is the contract.

            Time.Advance(window);
        }
    }

    [Fact]
    public async Task TryAcquire_SamePartitionWithAnotherWindow_CountsApart()
    {
        var (limiter, _) = CreateNodes();
        var partition = NewPartition();
        (await limiter.TryAcquireAsync(partition, 1, Hour, Ct)).IsAcquired.Should().BeTrue();

        (await limiter.TryAcquireAsync(partition, 1, TimeSpan.FromMinutes(1), Ct)).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task TryAcquire_InvalidArguments_Throw()
    {
        var (limiter, _) = CreateNodes();

        await FluentActions.Awaiting(async () => await limiter.TryAcquireAsync(null!, 1, Hour, Ct)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("partition");
        await FluentActions.Awaiting(async () => await limiter.TryAcquireAsync("p", 0, Hour, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("permitLimit");
        await FluentActions.Awaiting(async () => await limiter.TryAcquireAsync("p", 1, TimeSpan.Zero, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("window");
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>Creates two nodes that share one count: two connections to one server.</summary>
    private (IInvitationIssuanceLimiter First, IInvitationIssuanceLimiter Second) CreateNodes()
    {
        var server = _fixture.Server;
        var first = server.ConnectAsync().GetAwaiter().GetResult();
        var second = server.ConnectAsync().GetAwaiter().GetResult();
        _connections.Add(first);
        _connections.Add(second);
        return (new RedisIssuanceLimiter(first, KeyPrefix, timeProvider: Time), new RedisIssuanceLimiter(second, KeyPrefix, timeProvider: Time));
    }

    /// <summary>An opaque partition, as the built-in rule makes them (a hash, not a JID).</summary>
    private static string NewPartition() => Guid.NewGuid().ToString("N");
}
