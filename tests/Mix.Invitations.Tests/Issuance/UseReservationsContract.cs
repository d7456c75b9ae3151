using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Issuance;

/// <summary>
/// The contract every <see cref="IInvitationUseReservations"/> meets, run over each store by a subclass: the in-memory
/// ledger in this project, the Redis ledger in Mix.Invitations.Redis.Tests (which links this file). Only public API is
/// used here.
/// </summary>
/// <remarks>
/// A subclass supplies two "nodes": stores that share state as two nodes of one cluster would — two connections to one
/// Redis, or the one in-memory instance of a process (handed out twice). Every test uses channels of its own, so
/// subclasses may share one store between tests. A subclass whose store is missing skips from
/// <see cref="CreateNodes"/> with xunit's <c>Assert.Skip</c>.
/// </remarks>
public abstract class UseReservationsContract
{
    private const int Concurrency = 64;

    /// <summary>Gets the clock the stores decide by.</summary>
    protected abstract FakeTimeProvider Time { get; }

    /// <summary>Creates two nodes that share one reservation state.</summary>
    /// <returns>The two nodes (may be one instance twice, for a store that lives in one process).</returns>
    protected abstract (IInvitationUseReservations First, IInvitationUseReservations Second) CreateNodes();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryReserve_UpToCapacity_ThenExceededWithRetryAfterToTheEarliestExpiry()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();
        var now = Time.GetUtcNow();

        (await store.TryReserveAsync(channel, 4, 10, now.AddMinutes(30), Ct)).IsAcquired.Should().BeTrue();
        (await store.TryReserveAsync(channel, 5, 10, now.AddMinutes(10), Ct)).IsAcquired.Should().BeTrue();
        (await store.TryReserveAsync(channel, 1, 10, now.AddHours(1), Ct)).IsAcquired.Should().BeTrue("4 + 5 + 1 is exactly the capacity");

        var refused = await store.TryReserveAsync(channel, 1, 10, now.AddHours(1), Ct);

        refused.IsAcquired.Should().BeFalse();
        refused.IsUnavailable.Should().BeFalse();
        refused.RetryAfter.Should().Be(TimeSpan.FromMinutes(10), "the earliest live reservation expires in ten minutes");
    }

    [Fact]
    public async Task TryReserve_Exceeded_TakesNothing()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();
        var until = Time.GetUtcNow().AddHours(1);
        (await store.TryReserveAsync(channel, 8, 10, until, Ct)).IsAcquired.Should().BeTrue();

        (await store.TryReserveAsync(channel, 3, 10, until, Ct)).IsAcquired.Should().BeFalse();

        (await store.TryReserveAsync(channel, 2, 10, until, Ct)).IsAcquired.Should().BeTrue("the refused 3 uses were not reserved");
    }

    [Fact]
    public async Task TryReserve_AfterExpiry_RoomIsMadeAgain()
    {
        var (first, second) = CreateNodes();
        var channel = NewChannel();
        var now = Time.GetUtcNow();
        (await first.TryReserveAsync(channel, 6, 10, now.AddMinutes(5), Ct)).IsAcquired.Should().BeTrue();
        (await first.TryReserveAsync(channel, 4, 10, now.AddMinutes(20), Ct)).IsAcquired.Should().BeTrue();
        (await second.TryReserveAsync(channel, 6, 10, now.AddHours(1), Ct)).RetryAfter.Should().Be(TimeSpan.FromMinutes(5));

        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        (await second.TryReserveAsync(channel, 6, 10, now.AddHours(1), Ct)).RetryAfter.Should().Be(TimeSpan.FromMilliseconds(1), "a reservation holds until its instant");

        Time.Advance(TimeSpan.FromMilliseconds(1));
        (await second.TryReserveAsync(channel, 6, 10, now.AddHours(1), Ct)).IsAcquired.Should().BeTrue("the 6 uses expiring at five minutes are free again");
        (await first.TryReserveAsync(channel, 1, 10, now.AddHours(1), Ct)).RetryAfter.Should().Be(TimeSpan.FromMinutes(15), "the 4 uses expiring at twenty minutes are the earliest left");

        Time.Advance(TimeSpan.FromMinutes(15));
        (await first.TryReserveAsync(channel, 4, 10, now.AddHours(1), Ct)).IsAcquired.Should().BeTrue();
        (await first.TryReserveAsync(channel, 1, 10, now.AddHours(1), Ct)).IsAcquired.Should().BeFalse("6 + 4 live uses fill the channel");
    }

    [Fact]
    public async Task TryReserve_EverythingExpired_ChannelStartsAfresh()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();
        for (var i = 0; i < 10; i++)
        {
            (await store.TryReserveAsync(channel, 1, 10, Time.GetUtcNow().AddMinutes(1 + i), Ct)).IsAcquired.Should().BeTrue();
        }

        Time.Advance(TimeSpan.FromHours(1));

        (await store.TryReserveAsync(channel, 10, 10, Time.GetUtcNow().AddMinutes(1), Ct)).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task TryReserve_ChannelsAreIndependent()
    {
        var (first, second) = CreateNodes();
        var channel = NewChannel();
        var other = NewChannel();
        var until = Time.GetUtcNow().AddHours(1);
        (await first.TryReserveAsync(channel, 10, 10, until, Ct)).IsAcquired.Should().BeTrue();

        (await second.TryReserveAsync(other, 10, 10, until, Ct)).IsAcquired.Should().BeTrue();
        (await first.TryReserveAsync(channel, 1, 10, until, Ct)).IsAcquired.Should().BeFalse();
        (await second.TryReserveAsync(other, 1, 10, until, Ct)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryReserve_FullJid_CountsAgainstTheBareChannel()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();
        var until = Time.GetUtcNow().AddHours(1);
        (await store.TryReserveAsync(channel, 5, 5, until, Ct)).IsAcquired.Should().BeTrue();

        (await store.TryReserveAsync(Jid.Parse(channel + "/resource"), 1, 5, until, Ct)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryReserve_SeenByTheOtherNode()
    {
        var (first, second) = CreateNodes();
        var channel = NewChannel();
        var until = Time.GetUtcNow().AddHours(1);
        (await first.TryReserveAsync(channel, 3, 5, until, Ct)).IsAcquired.Should().BeTrue();

        (await second.TryReserveAsync(channel, 3, 5, until, Ct)).IsAcquired.Should().BeFalse();
        (await second.TryReserveAsync(channel, 2, 5, until, Ct)).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task TryReserve_MoreUsesThanCapacity_ExceededWithoutRetryAfter()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();

        var result = await store.TryReserveAsync(channel, 11, 10, Time.GetUtcNow().AddHours(1), Ct);

        result.IsAcquired.Should().BeFalse();
        result.IsUnavailable.Should().BeFalse();
        result.RetryAfter.Should().BeNull("it will never fit");
        (await store.TryReserveAsync(channel, 10, 10, Time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeTrue("nothing was reserved");
    }

    [Fact]
    public async Task TryReserve_ExpiryPassed_HoldsNoRoom()
    {
        var (store, _) = CreateNodes();
        var channel = NewChannel();

        (await store.TryReserveAsync(channel, 10, 10, Time.GetUtcNow(), Ct)).IsAcquired.Should().BeTrue("an invitation that has expired holds no uses");

        (await store.TryReserveAsync(channel, 10, 10, Time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task TryReserve_Concurrent_NeverExceedsCapacityInSum()
    {
        var (first, second) = CreateNodes();
        var channel = NewChannel();
        var until = Time.GetUtcNow().AddHours(1);
        const int Capacity = 100;

        // 64 racers asking for 1 to 4 uses each (160 in all) against a capacity of 100, half on each node.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, Concurrency).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var uses = 1 + (i % 4);
            var result = await (i % 2 == 0 ? first : second).TryReserveAsync(channel, uses, Capacity, until, Ct);
            return (Uses: uses, Result: result);
        })).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(racers);

        answers.Should().NotContain(a => a.Result.IsUnavailable);
        var reserved = answers.Where(a => a.Result.IsAcquired).Sum(a => a.Uses);
        reserved.Should().BeLessThanOrEqualTo(Capacity);
        reserved.Should().BeGreaterThan(Capacity - 4, "a racer is refused only when its uses no longer fit");
        answers.Where(a => !a.Result.IsAcquired).Should().OnlyContain(a => a.Result.RetryAfter == TimeSpan.FromHours(1));

        // What is left is exactly what the winners did not take.
        var left = Capacity - reserved;
        if (left > 0)
        {
            (await first.TryReserveAsync(channel, left, Capacity, until, Ct)).IsAcquired.Should().BeTrue();
        }

        (await second.TryReserveAsync(channel, 1, Capacity, until, Ct)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryReserve_InvalidArguments_Throw()
    {
        var (store, _) = CreateNodes();
        var until = Time.GetUtcNow().AddHours(1);

        await FluentActions.Awaiting(async () => await store.TryReserveAsync(default, 1, 1, until, Ct)).Should().ThrowAsync<ArgumentException>().WithParameterName("channel");
        await FluentActions.Awaiting(async () => await store.TryReserveAsync(NewChannel(), 0, 1, until, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("uses");
        await FluentActions.Awaiting(async () => await store.TryReserveAsync(NewChannel(), 1, 0, until, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>().WithParameterName("capacity");
    }

    private static Jid NewChannel() => Jid.Parse($"c{Guid.NewGuid():N}@mix.shakespeare.example");
}
