using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Issuance;

/// <summary>The limiter contract over the in-memory limiter.</summary>
public sealed class InMemoryIssuanceLimiterContractTests : IssuanceLimiterContract
{
    protected override IInvitationIssuanceLimiter CreateLimiter(FakeTimeProvider time) => new InMemoryIssuanceLimiter(time);
}

/// <summary>What only the in-memory limiter promises: the BCL behaviour it rests on, its memory bound, reloads.</summary>
public sealed class InMemoryIssuanceLimiterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FixedWindowRateLimiter NewBclLimiter(TimeSpan window) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = 2,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    [Fact]
    public void FixedWindowRateLimiter_WithoutAutoReplenishmentAndAOneTickWindow_TryReplenishRefills()
    {
        // The limiter's windows are the TimeProvider's: it calls TryReplenish when the clock says a window ended. That
        // holds only if TryReplenish refills then, whatever the BCL limiter's own stopwatch says: so a window of one
        // tick (the BCL refuses zero), which any real pause outlasts.
        FluentActions.Invoking(() => NewBclLimiter(TimeSpan.Zero)).Should().Throw<ArgumentException>("a zero window is refused");
        using var limiter = NewBclLimiter(TimeSpan.FromTicks(1));
        limiter.AttemptAcquire(2).IsAcquired.Should().BeTrue();
        limiter.AttemptAcquire(1).IsAcquired.Should().BeFalse();

        Thread.Sleep(1);
        limiter.TryReplenish().Should().BeTrue();

        limiter.AttemptAcquire(2).IsAcquired.Should().BeTrue("replenished");
        limiter.AttemptAcquire(1).IsAcquired.Should().BeFalse("a replenish restores the limit, it does not add to it");
        limiter.GetStatistics()!.CurrentAvailablePermits.Should().Be(0, "the statistics the limiter checks a replenish by");
    }

    [Fact]
    public void FixedWindowRateLimiter_WithoutAutoReplenishmentAndARealWindow_TryReplenishWaitsForItsStopwatch()
    {
        // Why the window is zero: with a real one, a manual replenish is ignored until the limiter's own stopwatch has
        // seen the window pass, so a FakeTimeProvider could never end a window.
        using var limiter = NewBclLimiter(TimeSpan.FromDays(1));
        limiter.AttemptAcquire(2).IsAcquired.Should().BeTrue();

        limiter.TryReplenish().Should().BeTrue("it reports a replenish...");

        limiter.AttemptAcquire(1).IsAcquired.Should().BeFalse("...but refills nothing before its own day has passed");
    }

    [Fact]
    public async Task Partitions_OfEndedWindows_AreDropped()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        using var limiter = new InMemoryIssuanceLimiter(time);
        for (var i = 0; i < 5_000; i++)
        {
            (await limiter.TryAcquireAsync("inviter:" + i, 1, Minute, Ct)).IsAcquired.Should().BeTrue();
        }

        limiter.PartitionCount.Should().BeLessThanOrEqualTo(5_000, "all are in the current window");
        time.Advance(TimeSpan.FromMinutes(2));
        (await limiter.TryAcquireAsync("late", 1, Minute, Ct)).IsAcquired.Should().BeTrue();

        limiter.PartitionCount.Should().Be(1, "a minute after the last sweep every ended window is dropped");
    }

    [Fact]
    public async Task Partitions_ManyInOneWindow_SweepKeepsTheLiveOnesAndTheirCounts()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        using var limiter = new InMemoryIssuanceLimiter(time);
        (await limiter.TryAcquireAsync("kept", 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();
        for (var i = 0; i < 3_000; i++)
        {
            await limiter.TryAcquireAsync("short:" + i, 1, TimeSpan.FromSeconds(1), Ct);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        limiter.PartitionCount.Should().BeLessThan(2_100, "growth past the doubling threshold sweeps the ended one-second windows");
        (await limiter.TryAcquireAsync("kept", 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeFalse("a live window survives a sweep with its count");
    }

    [Fact]
    public async Task PermitLimit_RaisedInTheWindow_KeepsThePermitsTaken()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        using var limiter = new InMemoryIssuanceLimiter(time);
        for (var i = 0; i < 3; i++)
        {
            (await limiter.TryAcquireAsync("p", 3, Minute, Ct)).IsAcquired.Should().BeTrue();
        }

        (await limiter.TryAcquireAsync("p", 4, Minute, Ct)).IsAcquired.Should().BeTrue("one more under the raised limit");
        (await limiter.TryAcquireAsync("p", 4, Minute, Ct)).IsAcquired.Should().BeFalse("the three taken before still count");
        (await limiter.TryAcquireAsync("p", 2, Minute, Ct)).IsAcquired.Should().BeFalse("a lowered limit is already spent");
    }

    [Fact]
    public async Task TryAcquire_InvalidArguments_Throw()
    {
        using var limiter = new InMemoryIssuanceLimiter(new FakeTimeProvider(TestKeys.Epoch));
        await FluentActions.Awaiting(() => limiter.TryAcquireAsync("p", 0, Minute, Ct).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => limiter.TryAcquireAsync("p", 1, TimeSpan.Zero, Ct).AsTask()).Should().ThrowAsync<ArgumentOutOfRangeException>();
        limiter.Dispose();
        await FluentActions.Awaiting(() => limiter.TryAcquireAsync("p", 1, Minute, Ct).AsTask()).Should().ThrowAsync<ObjectDisposedException>();
    }
}
