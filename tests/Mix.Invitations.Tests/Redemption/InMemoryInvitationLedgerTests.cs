using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Redemption;

public class InMemoryInvitationLedgerTests
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    private static readonly Jid Cat = Jid.Parse("cat@shakespeare.example");

    private static readonly Jid Rat = Jid.Parse("rat@shakespeare.example");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Purge_ForgetsCutOffsPastTheirRetention_AndTheirAnswerWithThem()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var cutOff = _time.GetUtcNow();
        await ledger.RevokeIssuedBeforeAsync(Channel, null, cutOff, cutOff.AddHours(1), TestContext.Current.CancellationToken);
        await ledger.RevokeIssuedBeforeAsync(Channel, Jid.Parse("hag66@shakespeare.example"), cutOff, cutOff.AddHours(2), TestContext.Current.CancellationToken);
        ledger.CutOffCount.Should().Be(2);

        _time.Advance(TimeSpan.FromHours(1));
        ledger.Purge();

        ledger.CutOffCount.Should().Be(1, "the channel's cut-off is past its retention, the inviter's is not");
        var request = new InvitationLedgerRequest(NewId(), Channel, 1, _time.GetUtcNow().AddHours(1), cutOff.AddSeconds(-1));
        (await ledger.TryConsumeAsync(request, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "only an artificial request, still in its retention, can tell it is forgotten");
    }

    [Fact]
    public async Task Purge_OnTimer_RemovesExpiredEntriesOnly()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            await ledger.TryConsumeAsync(NewId(), Channel, 1, _time.GetUtcNow().AddMinutes(10), TestContext.Current.CancellationToken);
        }

        var longLived = NewId();
        await ledger.RevokeAsync(longLived, Channel, _time.GetUtcNow().AddHours(2), TestContext.Current.CancellationToken);
        ledger.Count.Should().Be(101);

        _time.Advance(TimeSpan.FromMinutes(11)); // the purge timer fires on the fake clock

        ledger.Count.Should().Be(1, "only the entry of the live token is left");
        (await ledger.TryConsumeAsync(longLived, Channel, 0, _time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
    }

    [Fact]
    public async Task TryConsume_EntryPastAnEarlierRetentionNotYetPurged_IsDecidedFromAsStored()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var consumed = NewId();
        var revoked = NewId();
        await ledger.TryConsumeAsync(consumed, Channel, 1, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(revoked, Channel, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromMinutes(6));

        // Asked with a later retention instant (say the margin was lengthened), the ledger still has the entries: it
        // decides from them, never reading "retention passed" as "unused".
        ledger.Count.Should().Be(2, "the purge has not run yet");
        (await ledger.TryConsumeAsync(consumed, Channel, 1, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        (await ledger.TryConsumeAsync(revoked, Channel, 0, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);
        (await ledger.TryConsumeAsync(revoked, Channel, 1, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Revoked);

        ledger.Purge();
        ledger.Count.Should().Be(2, "each entry now lives until the later instant");
    }

    [Fact]
    public async Task TryConsume_RetentionPassed_CreatesNoEntry()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));

        (await ledger.TryConsumeAsync(NewId(), Channel, 1, _time.GetUtcNow(), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        await ledger.RevokeAsync(NewId(), Channel, _time.GetUtcNow().AddTicks(-1), TestContext.Current.CancellationToken);

        ledger.Count.Should().Be(0);
    }

    [Fact]
    public async Task Purge_RacingWithConsumersAtTheRetentionInstant_NeverStartsAFreshEntry()
    {
        // Consumers and purges race while the clock crosses the retention instant: each consumer either finds the
        // entry (and is refused as exhausted) or is refused as expired; none finds the entry gone and starts afresh.
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var id = NewId();
        var retainUntil = _time.GetUtcNow().AddMinutes(1);
        (await ledger.TryConsumeAsync(id, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        _time.SetUtcNow(retainUntil.AddTicks(-32));

        var consumers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await ledger.TryConsumeAsync(id, Channel, 1, retainUntil))).ToArray();
        var purger = Task.Run(() =>
        {
            for (var i = 0; i < 64; i++)
            {
                _time.Advance(TimeSpan.FromTicks(1));
                ledger.Purge();
            }
        }, TestContext.Current.CancellationToken);
        var outcomes = await Task.WhenAll(consumers);
        await purger;

        outcomes.Should().OnlyContain(o => o.Outcome == InvitationLedgerOutcome.Exhausted || o.Outcome == InvitationLedgerOutcome.Expired);
        ledger.Count.Should().Be(0, "the entry was purged once its instant passed");
    }

    [Fact]
    public async Task TryConsume_NotUseLimited_StoresNothing()
    {
        using var ledger = new InMemoryInvitationLedger(_time);

        for (var i = 0; i < 10; i++)
        {
            await ledger.TryConsumeAsync(NewId(), Channel, 0, _time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);
        }

        ledger.Count.Should().Be(0);
    }

    [Fact]
    public async Task Purge_RacingWithConsumers_NeverLosesAUse()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var id = NewId();
        var expiresAt = _time.GetUtcNow().AddHours(1);

        var consumers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await ledger.TryConsumeAsync(id, Channel, 3, expiresAt))).ToArray();
        var purger = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                ledger.Purge();
            }
        }, TestContext.Current.CancellationToken);
        var outcomes = await Task.WhenAll(consumers);
        await purger;

        outcomes.Count(o => o.Outcome == InvitationLedgerOutcome.Consumed).Should().Be(3);
    }

    [Fact]
    public async Task Release_OfAPurgedEntry_GivesNothingAndCreatesNothing()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var id = NewId();
        var taken = await ledger.TryConsumeAsync(id, Channel, 1, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(5));
        ledger.Purge();

        (await ledger.ReleaseAsync(id, Channel, taken.UseId, TestContext.Current.CancellationToken)).Should().BeFalse();
        ledger.Count.Should().Be(0);
    }

    [Fact]
    public async Task Purge_OnTimer_DropsChannelsWhoseReservationsAllExpired()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            var channel = Jid.Parse($"c{i}@mix.shakespeare.example");
            (await ledger.TryReserveAsync(channel, 1, 10, _time.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken)).IsAcquired.Should().BeTrue();
            (await ledger.TryReserveAsync(channel, 1, 10, _time.GetUtcNow().AddMinutes(i == 0 ? 60 : 10), TestContext.Current.CancellationToken)).IsAcquired.Should().BeTrue();
        }

        _time.Advance(TimeSpan.FromMinutes(6));
        ledger.ReservedChannelCount.Should().Be(100, "every channel still holds a live reservation");

        _time.Advance(TimeSpan.FromMinutes(5)); // the purge timer fires on the fake clock

        ledger.ReservedChannelCount.Should().Be(1, "only the channel with a live reservation is left");
        (await ledger.TryReserveAsync(Jid.Parse("c0@mix.shakespeare.example"), 10, 10, _time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).IsAcquired.Should().BeFalse();
        (await ledger.TryReserveAsync(Jid.Parse("c0@mix.shakespeare.example"), 9, 10, _time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task Purge_RacingWithReservations_NeverLosesOne()
    {
        using var ledger = new InMemoryInvitationLedger(_time, TimeSpan.FromDays(1));
        var until = _time.GetUtcNow().AddHours(1);

        var reservers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await ledger.TryReserveAsync(Channel, 1, 10, until, TestContext.Current.CancellationToken))).ToArray();
        var purger = Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                ledger.Purge();
            }
        }, TestContext.Current.CancellationToken);
        var results = await Task.WhenAll(reservers);
        await purger;

        results.Count(r => r.IsAcquired).Should().Be(10);
        (await ledger.TryReserveAsync(Channel, 1, 10, until, TestContext.Current.CancellationToken)).IsAcquired.Should().BeFalse();
    }

    [Fact]
    public async Task TryReserve_ExpiredInvitation_KeepsNothing()
    {
        using var ledger = new InMemoryInvitationLedger(_time);

        (await ledger.TryReserveAsync(Channel, 1, 10, _time.GetUtcNow(), TestContext.Current.CancellationToken)).IsAcquired.Should().BeTrue();

        ledger.ReservedChannelCount.Should().Be(0);
    }

    [Fact]
    public void Constructor_PurgeIntervalNotPositive_Throws()
    {
        FluentActions.Invoking(() => new InMemoryInvitationLedger(_time, TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("purgeInterval");
    }

    [Fact]
    public async Task TryConsume_Cancelled_Throws()
    {
        using var ledger = new InMemoryInvitationLedger(_time);

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(NewId(), Channel, 1, _time.GetUtcNow().AddHours(1), new CancellationToken(true)))
            .Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task TryConsume_OneUseHeldInTheEntry_ThenSeveral_DecidesAsBefore()
    {
        // One outstanding use lives in the entry itself; a second moves them all into sets and maps. Every answer must be
        // the same whichever form holds the uses: retries, releases, the count, and a use taken without a joiner.
        var (ledger, id, request) = OneToken(maxUses: 3);
        using var disposeLedger = ledger;
        var ct = TestContext.Current.CancellationToken;

        var first = await ledger.TryConsumeAsync(request(Cat), ct);
        (await ledger.TryConsumeAsync(request(Jid.Parse("cat@shakespeare.example/phone")), ct)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, first.UseId, isRepeat: true), "the one use, held in the entry, is the cat's");
        (await ledger.ReleaseAsync(id, Channel, first.UseId + 1, ct)).Should().BeFalse("no such use");
        (await ledger.ReleaseAsync(id, Channel, first.UseId, ct)).Should().BeTrue();
        (await ledger.ReleaseAsync(id, Channel, first.UseId, ct)).Should().BeFalse("once");

        var anonymous = await ledger.TryConsumeAsync(request(null), ct);
        anonymous.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, first.UseId + 1), "ids are never reused");
        var catAgain = await ledger.TryConsumeAsync(request(Cat), ct);
        catAgain.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, first.UseId + 2), "the released use took its joiner with it, and a use without a joiner is nobody's");
        (await ledger.TryConsumeAsync(request(Cat), ct)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, catAgain.UseId, isRepeat: true), "the first use moved out of the entry keeps no joiner, the second keeps the cat");
        var ratUse = await ledger.TryConsumeAsync(request(Rat), ct);
        ratUse.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, first.UseId + 3));
        (await ledger.TryConsumeAsync(request(Jid.Parse("bat@shakespeare.example")), ct)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted, "three outstanding of three");

        (await ledger.ReleaseAsync(id, Channel, anonymous.UseId, ct)).Should().BeTrue();
        (await ledger.ReleaseAsync(id, Channel, catAgain.UseId, ct)).Should().BeTrue();
        (await ledger.TryConsumeAsync(request(Rat), ct)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, ratUse.UseId, isRepeat: true));
        var catThird = await ledger.TryConsumeAsync(request(Cat), ct);
        catThird.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, first.UseId + 4), "the cat's released use is forgotten with its joiner");
    }

    [Fact]
    public async Task TryConsume_SoleUseKeepsNoIdOfItsOwn_OnlyTheLastIdGivenOutIsItsUse()
    {
        // While the entry holds its one use itself, that use is the last id given out (it keeps no id of its own): an
        // older id must not release it, and a second use moves it out with its id and its joiner.
        var (ledger, id, request) = OneToken(maxUses: 2);
        using var disposeLedger = ledger;
        var ct = TestContext.Current.CancellationToken;

        var first = await ledger.TryConsumeAsync(request(Cat), ct);
        (await ledger.ReleaseAsync(id, Channel, first.UseId, ct)).Should().BeTrue();
        var second = await ledger.TryConsumeAsync(request(Cat), ct);
        second.UseId.Should().Be(first.UseId + 1);
        (await ledger.ReleaseAsync(id, Channel, first.UseId, ct)).Should().BeFalse("use 1 was given back already; the use held now is use 2");

        var ratUse = await ledger.TryConsumeAsync(request(Rat), ct);
        ratUse.Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, second.UseId + 1));
        (await ledger.TryConsumeAsync(request(Cat), ct)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, second.UseId, isRepeat: true), "the use moved out of the entry keeps its id and its joiner");
        (await ledger.ReleaseAsync(id, Channel, second.UseId, ct)).Should().BeTrue();
        (await ledger.ReleaseAsync(id, Channel, second.UseId, ct)).Should().BeFalse("once");
        (await ledger.TryConsumeAsync(request(Rat), ct)).Should().Be(new InvitationLedgerResult(InvitationLedgerOutcome.Consumed, ratUse.UseId, isRepeat: true));
    }

    /// <summary>A fresh ledger and one token's id, and the request of a use of it by a joiner (or none), kept for an hour.</summary>
    private (InMemoryInvitationLedger Ledger, InvitationTokenId Id, Func<Jid?, InvitationLedgerRequest> Request) OneToken(int maxUses)
    {
        var id = NewId();
        var until = _time.GetUtcNow().AddHours(1);
        return (new InMemoryInvitationLedger(_time), id, joiner => new InvitationLedgerRequest(id, Channel, maxUses, until, _time.GetUtcNow(), joiner: joiner));
    }

    private static InvitationTokenId NewId() => new(RandomNumberGenerator.GetBytes(InvitationTokenId.Size));
}
