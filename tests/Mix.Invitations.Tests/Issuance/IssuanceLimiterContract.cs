using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Issuance;

/// <summary>
/// The contract every <see cref="IInvitationIssuanceLimiter"/> meets, run over each limiter by a subclass: the
/// in-memory one in this project, the Redis one in Mix.Invitations.Redis.Tests (which links this file). Only public API
/// is used, and every test uses partitions of its own (a shared store keeps state between runs).
/// </summary>
/// <remarks>
/// Windows are fixed and aligned to the Unix epoch: the window of an instant is <c>floor(unixMs / windowMs)</c>, and a
/// refusal's retry-after is the time to that window's end. The clock is the <see cref="FakeTimeProvider"/> handed to
/// <see cref="CreateLimiter"/>; it starts at midnight UTC, a window boundary of every window that divides a day. A
/// subclass whose store is missing skips from <see cref="CreateLimiter"/> with xunit's <c>Assert.Skip</c>.
/// </remarks>
public abstract class IssuanceLimiterContract
{
    private const int Concurrency = 64;

    /// <summary>Midnight UTC: the start of a minute, an hour and a day window alike.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Creates the limiter under test, reading <paramref name="time"/> for its windows.</summary>
    /// <param name="time">The clock.</param>
    /// <returns>The limiter; disposed by the test when it is <see cref="IDisposable"/>.</returns>
    protected abstract IInvitationIssuanceLimiter CreateLimiter(FakeTimeProvider time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryAcquire_UpToTheLimit_ThenExceededWithRetryAfterToTheWindowsEnd()
    {
        var time = new FakeTimeProvider(Start.AddSeconds(10));
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var partition = NewPartition();

        for (var i = 0; i < 3; i++)
        {
            (await limiter.TryAcquireAsync(partition, 3, Minute, Ct)).IsAcquired.Should().BeTrue($"permit {i + 1} of 3");
        }

        time.Advance(TimeSpan.FromSeconds(5));
        var refused = await limiter.TryAcquireAsync(partition, 3, Minute, Ct);
        refused.IsAcquired.Should().BeFalse();
        refused.IsUnavailable.Should().BeFalse();
        refused.RetryAfter.Should().Be(TimeSpan.FromSeconds(45), "the window began at midnight and ends a minute later");
    }

    [Fact]
    public async Task TryAcquire_LastMillisecondOfAWindow_StillThatWindow_AndTheBoundaryStartsTheNext()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var partition = NewPartition();

        (await limiter.TryAcquireAsync(partition, 2, Minute, Ct)).IsAcquired.Should().BeTrue();
        time.Advance(Minute - TimeSpan.FromMilliseconds(1));
        (await limiter.TryAcquireAsync(partition, 2, Minute, Ct)).IsAcquired.Should().BeTrue("the last permit, in the window's last millisecond");
        var refused = await limiter.TryAcquireAsync(partition, 2, Minute, Ct);
        refused.IsAcquired.Should().BeFalse();
        refused.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(1));

        time.Advance(TimeSpan.FromMilliseconds(1));
        (await limiter.TryAcquireAsync(partition, 2, Minute, Ct)).IsAcquired.Should().BeTrue("exactly at the boundary the next window begins, full");
        (await limiter.TryAcquireAsync(partition, 2, Minute, Ct)).IsAcquired.Should().BeTrue();
        var next = await limiter.TryAcquireAsync(partition, 2, Minute, Ct);
        next.IsAcquired.Should().BeFalse();
        next.RetryAfter.Should().Be(Minute, "the new window has just begun");
    }

    [Fact]
    public async Task TryAcquire_AfterSeveralIdleWindows_IsFull()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var partition = NewPartition();

        (await limiter.TryAcquireAsync(partition, 1, Minute, Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(partition, 1, Minute, Ct)).IsAcquired.Should().BeFalse();
        time.Advance(TimeSpan.FromMinutes(5.5));
        (await limiter.TryAcquireAsync(partition, 1, Minute, Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(partition, 1, Minute, Ct)).RetryAfter.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task TryAcquire_WindowsAreAlignedToTheEpoch_NotToTheFirstAcquire()
    {
        var time = new FakeTimeProvider(Start.AddMinutes(59)); // 00:59, in the hour window 00:00-01:00
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var partition = NewPartition();

        (await limiter.TryAcquireAsync(partition, 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(partition, 1, TimeSpan.FromHours(1), Ct)).RetryAfter.Should().Be(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        (await limiter.TryAcquireAsync(partition, 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue("01:00 begins a new hour window, a minute after the first acquire");
    }

    [Fact]
    public async Task TryAcquire_Partitions_AreIndependent()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var first = NewPartition();
        var second = NewPartition();

        (await limiter.TryAcquireAsync(first, 1, Minute, Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(first, 1, Minute, Ct)).IsAcquired.Should().BeFalse();
        (await limiter.TryAcquireAsync(second, 1, Minute, Ct)).IsAcquired.Should().BeTrue("another partition has its own count");
    }

    [Fact]
    public async Task TryAcquire_Concurrently_GrantsExactlyThePermitLimit()
    {
        var time = new FakeTimeProvider(Start);
        var limiter = CreateLimiter(time);
        using var _ = limiter as IDisposable;
        var partition = NewPartition();
        const int Limit = 10;

        using var gate = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            gate.Wait(Ct);
            return await limiter.TryAcquireAsync(partition, Limit, Minute, Ct);
        }, Ct)).ToArray();
        gate.Set();
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.IsAcquired).Should().Be(Limit);
        results.Where(r => !r.IsAcquired).Should().OnlyContain(r => !r.IsUnavailable && r.RetryAfter == Minute);
    }

    private static string NewPartition() => "contract:" + Guid.NewGuid().ToString("N");
}
