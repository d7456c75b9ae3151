using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Inventory;

/// <summary>
/// The contract every built-in <see cref="IInvitationInventory"/> meets, run over each store by a subclass: the
/// in-memory ledger in this project, Redis (one server, and a cluster) in Mix.Invitations.Redis.Tests, which links this
/// file. Only public API is used. The inventory is the ledger itself: its records' uses and states come from the
/// ledger's entries and cut-offs.
/// </summary>
public abstract class InventoryContract
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);
    private static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    private static readonly Jid OtherInviter = Jid.Parse("crone1@shakespeare.example");

    /// <summary>Gets the clock the services issue by and the ledgers decide by.</summary>
    protected abstract FakeTimeProvider Time { get; }

    /// <summary>Creates two nodes that share one ledger state; each must also be an <see cref="IInvitationInventory"/>.</summary>
    /// <returns>The two nodes (may be one instance twice, for a store that lives in one process).</returns>
    protected abstract (IInvitationLedger First, IInvitationLedger Second) CreateNodes();

    /// <summary>A channel of this test's own, so tests sharing one store never see each other's records.</summary>
    private Jid Channel { get; } = Jid.Parse($"c{Guid.NewGuid():N}@mix.shakespeare.example");

    [Fact]
    public async Task Issue_RecordsEveryFieldTheTagCovers_AndTheLabel_NeverTheToken()
    {
        var (a, _) = CreateNodesWithServices();
        var issued = a.Service.Issue(new InvitationIssueRequest
        {
            Channel = Channel,
            Inviter = Inviter,
            Invitee = Jid.Parse("cat@shakespeare.example/balcony"),
            Policy = BindingPolicies.InviteeBoundName,
            MaxUses = 3,
            Lifetime = TimeSpan.FromHours(2),
            Label = "for the Friday meetup ✨",
        });

        var record = await a.Inventory.GetAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken);

        record.Should().NotBeNull();
        record!.TokenId.Should().Be(issued.Claims.TokenId);
        record.Channel.Should().Be(Channel);
        record.Inviter.Should().Be(Inviter);
        record.Invitee.Should().Be(Jid.Parse("cat@shakespeare.example"), "the tag covers the bare invitee");
        record.Policy.Should().Be(BindingPolicies.InviteeBoundName);
        record.IssuedAt.Should().Be(issued.Claims.IssuedAt);
        record.ExpiresAt.Should().Be(issued.Claims.ExpiresAt);
        record.MaxUses.Should().Be(3);
        record.Uses.Should().Be(0);
        record.State.Should().Be(InvitationState.Active);
        record.Label.Should().Be("for the Friday meetup ✨");
    }

    [Fact]
    public async Task List_OnOtherNode_SeesWhatThisNodeIssued()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 2));

        var page = await b.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Channel }, TestContext.Current.CancellationToken);

        page.Records.Select(r => r.TokenId).Should().Equal(issued.Claims.TokenId);
        page.Next.Should().BeNull();
    }

    [Fact]
    public async Task Uses_AndExhausted_FollowRedemptionsOnEitherNode_AndAReleaseGivesBack()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 2));
        var first = await a.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(1), TestContext.Current.CancellationToken);
        (await Get(b, issued)).Should().Match<InvitationRecord>(r => r.Uses == 1 && r.State == InvitationState.Active);

        (await b.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(2), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await Get(a, issued)).Should().Match<InvitationRecord>(r => r.Uses == 2 && r.State == InvitationState.Exhausted);

        (await a.Redeemer.ReleaseAsync(first.Receipt!, TestContext.Current.CancellationToken)).Should().Be(InvitationReleaseOutcome.Released);
        (await Get(b, issued)).Should().Match<InvitationRecord>(r => r.Uses == 1 && r.State == InvitationState.Active);
    }

    [Fact]
    public async Task RevokeById_OnNodeA_NodeBRefusesTheToken_AndListsItRevoked()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 5));

        (await a.Redeemer.RevokeByIdAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.Revoked);

        (await b.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(1), TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await Get(b, issued)).State.Should().Be(InvitationState.Revoked);
    }

    [Fact]
    public async Task RevokeById_TokenWithoutUseLimit_IsRefusedEverywhere()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromHours(1) });
        (await b.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(1), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();

        (await b.Redeemer.RevokeByIdAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.Revoked);

        (await a.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(2), TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
        (await Get(a, issued)).Should().Match<InvitationRecord>(r => r.State == InvitationState.Revoked && r.Uses == 0 && r.MaxUses == 0);
    }

    [Fact]
    public async Task RevokeById_UnknownIdOrOtherChannel_IsNotFound_AndStoresNothing()
    {
        var (a, _) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 1));
        var otherChannel = Jid.Parse($"o{Guid.NewGuid():N}@mix.shakespeare.example");

        (await a.Redeemer.RevokeByIdAsync(Channel, new InvitationTokenId(new byte[16]), TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.NotFound);
        (await a.Redeemer.RevokeByIdAsync(otherChannel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.NotFound);

        (await a.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(1), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task BulkRevocation_ListsTheInvitationsBeforeTheCutOffRevoked_LaterOnesActive()
    {
        var (a, b) = CreateNodesWithServices();
        var byInviter = a.Service.Issue(InviterBound(Inviter));
        var byOther = a.Service.Issue(InviterBound(OtherInviter));
        Time.Advance(TimeSpan.FromSeconds(5));

        (await b.Redeemer.RevokeInviterAsync(Channel, Inviter, cancellationToken: TestContext.Current.CancellationToken)).Should().BeTrue();
        Time.Advance(TimeSpan.FromSeconds(5));
        var later = a.Service.Issue(InviterBound(Inviter));

        (await Get(a, byInviter)).State.Should().Be(InvitationState.Revoked);
        (await Get(a, byOther)).State.Should().Be(InvitationState.Active, "another inviter's cut-off does not reach it");
        (await Get(a, later)).State.Should().Be(InvitationState.Active, "issued after the cut-off");

        Time.Advance(TimeSpan.FromSeconds(1)); // a cut-off reaches tokens issued before it (whole seconds)
        (await a.Redeemer.RevokeChannelAsync(Channel, cancellationToken: TestContext.Current.CancellationToken)).Should().BeTrue();
        var page = await b.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Channel }, TestContext.Current.CancellationToken);
        page.Records.Should().HaveCount(3).And.OnlyContain(r => r.State == InvitationState.Revoked);
    }

    [Fact]
    public async Task Expiry_ListsExpired_ThenForgetsTheRecordWithItsToken()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 1, lifetime: TimeSpan.FromMinutes(10)));

        Time.SetUtcNow(issued.Claims.ExpiresAt);
        (await Get(b, issued)).State.Should().Be(InvitationState.Expired);

        Time.SetUtcNow(issued.Claims.AcceptedUntil + Margin);
        (await b.Inventory.GetAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().BeNull("kept only as long as the ledger keeps the token");
        (await b.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Channel }, TestContext.Current.CancellationToken)).Records.Should().BeEmpty();
        (await a.Redeemer.RevokeByIdAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.NotFound);
    }

    [Fact]
    public async Task List_PagesNewestFirst_ByIssuedAtThenTokenId_EachRecordOnce()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = new List<IssuedInvitation>();
        for (var i = 0; i < 45; i++)
        {
            issued.Add(a.Service.Issue(Bearer(uses: 1)));
            if (i % 4 == 3)
            {
                Time.Advance(TimeSpan.FromSeconds(1)); // several per second: ties are ordered by token id
            }
        }

        var pages = await ListAllAsync(b.Inventory, new InvitationInventoryQuery { Channel = Channel, PageSize = 10 });

        pages.Select(p => p.Records.Count).Should().Equal(10, 10, 10, 10, 5);
        var listed = pages.SelectMany(p => p.Records).ToList();
        listed.Select(r => r.TokenId).Should().BeEquivalentTo(issued.Select(i => i.Claims.TokenId)).And.OnlyHaveUniqueItems();
        listed.Select(r => (r.IssuedAt, r.TokenId)).Should().BeInDescendingOrder(Comparer<(DateTimeOffset IssuedAt, InvitationTokenId TokenId)>.Create((x, y) =>
            x.IssuedAt != y.IssuedAt ? x.IssuedAt.CompareTo(y.IssuedAt) : x.TokenId.CompareTo(y.TokenId)));
    }

    [Fact]
    public async Task List_ByInviter_ListsOnlyTheirs()
    {
        var (a, b) = CreateNodesWithServices();
        var theirs = Enumerable.Range(0, 7).Select(_ => a.Service.Issue(InviterBound(Inviter)).Claims.TokenId).ToList();
        for (var i = 0; i < 5; i++)
        {
            a.Service.Issue(InviterBound(OtherInviter));
            a.Service.Issue(Bearer(uses: 1));
        }

        var pages = await ListAllAsync(b.Inventory, new InvitationInventoryQuery { Channel = Channel, Inviter = Jid.Parse("hag66@shakespeare.example/pda"), PageSize = 3 });

        pages.SelectMany(p => p.Records).Select(r => r.TokenId).Should().BeEquivalentTo(theirs);
        pages.SelectMany(p => p.Records).Should().OnlyContain(r => r.Inviter == Inviter);
    }

    [Fact]
    public async Task List_ByState_FiltersPageByPage_WithinItsScanBound()
    {
        var (a, b) = CreateNodesWithServices();
        var exhausted = new List<InvitationTokenId>();
        for (var i = 0; i < 30; i++)
        {
            var issued = a.Service.Issue(Bearer(uses: 1));
            if (i % 3 == 0)
            {
                (await a.Redeemer.RedeemBearerAsync(issued.Invitation.Token, Join(i), TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
                exhausted.Add(issued.Claims.TokenId);
            }
        }

        var query = new InvitationInventoryQuery { Channel = Channel, State = InvitationState.Exhausted, PageSize = 2 };
        var pages = await ListAllAsync(b.Inventory, query);

        pages.SelectMany(p => p.Records).Select(r => r.TokenId).Should().BeEquivalentTo(exhausted);
        pages.Should().OnlyContain(p => p.Records.Count <= 2);
        pages.Count.Should().BeGreaterThanOrEqualTo(30 / query.ScanLimit, "each page looks at no more than its scan limit");
        pages.Take(pages.Count - 1).Should().OnlyContain(p => p.Next != null);
    }

    [Fact(Timeout = 120_000)] // a hang guard, not a budget
    public async Task List_WhileOthersIssueConcurrently_ListsEveryEarlierRecordOnce_InOrder()
    {
        var (a, b) = CreateNodesWithServices();
        var before = Enumerable.Range(0, 60).Select(_ => a.Service.Issue(Bearer(uses: 1)).Claims.TokenId).ToHashSet();

        // The first page is taken, then the clock moves on as a real one does: what is issued from now on is newer than
        // the listing's position, so it never shows up in a later page (a position, not a snapshot), while it races it.
        var query = new InvitationInventoryQuery { Channel = Channel, PageSize = 7 };
        var first = await b.Inventory.ListAsync(query, TestContext.Current.CancellationToken);
        var listed = new List<InvitationRecord>(first.Records);
        query = query with { After = first.Next };
        Time.Advance(TimeSpan.FromSeconds(1));
        using var stop = new CancellationTokenSource();
        var issuedMeanwhile = 0;
        var issuers = Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await (n % 2 == 0 ? a : b).Service.IssueAsync(Bearer(uses: 1), TestContext.Current.CancellationToken);
                Interlocked.Increment(ref issuedMeanwhile);
                await Task.Yield();
            }
        })).ToArray();

        while (query.After is not null)
        {
            // Each page is listed only after another invitation was issued since the last: the listing races real issues.
            var seen = Volatile.Read(ref issuedMeanwhile);
            while (Volatile.Read(ref issuedMeanwhile) == seen)
            {
                if (issuers.FirstOrDefault(t => t.IsCompleted) is { } ended)
                {
                    await ended; // an issuer failed: surface why
                    throw new InvalidOperationException("An issuer stopped before the listing ended.");
                }

                await Task.Delay(1, TestContext.Current.CancellationToken);
            }

            var page = await (listed.Count % 2 == 0 ? b : a).Inventory.ListAsync(query, TestContext.Current.CancellationToken);
            listed.AddRange(page.Records);
            query = query with { After = page.Next };
        }

        await stop.CancelAsync();
        await Task.WhenAll(issuers);

        listed.Select(r => r.TokenId).Should().OnlyHaveUniqueItems();
        listed.Select(r => r.TokenId).Where(before.Contains).Should().HaveCount(before.Count, "every record issued before the listing began is listed once");
        listed.Select(r => r.Position).Should().BeInDescendingOrder(Comparer<InvitationInventoryCursor>.Create((x, y) =>
            x.IssuedAtSeconds != y.IssuedAtSeconds ? x.IssuedAtSeconds.CompareTo(y.IssuedAtSeconds) : x.TokenId.CompareTo(y.TokenId)));
        listed.Should().HaveCount(before.Count, "what was issued during the listing is newer than its position");
        issuedMeanwhile.Should().BeGreaterThanOrEqualTo(8, "each of the eight later pages waited for an issue");
    }

    [Fact]
    public async Task Add_SameTokenIdTwice_KeepsOneRecord()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 1));
        var first = await Get(a, issued);
        var again = new InvitationRecord
        {
            TokenId = first.TokenId,
            Channel = first.Channel,
            Policy = first.Policy,
            IssuedAt = first.IssuedAt,
            ExpiresAt = first.ExpiresAt,
            MaxUses = first.MaxUses,
            Label = "another label",
        };

        await b.Inventory.AddAsync(again, Time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);

        var page = await a.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Channel }, TestContext.Current.CancellationToken);
        page.Records.Should().ContainSingle().Which.Label.Should().BeNull("the first record stands");
    }

    [Fact]
    public async Task Cursor_AfterTheLastRecord_GivesAnEmptyPage_AndAnEmptyChannelToo()
    {
        var (a, b) = CreateNodesWithServices();
        var issued = a.Service.Issue(Bearer(uses: 1));
        var record = await Get(a, issued);

        var past = await b.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Channel, After = record.Position }, TestContext.Current.CancellationToken);
        var empty = await b.Inventory.ListAsync(new InvitationInventoryQuery { Channel = Jid.Parse($"e{Guid.NewGuid():N}@mix.shakespeare.example") }, TestContext.Current.CancellationToken);

        past.Records.Should().BeEmpty();
        past.Next.Should().BeNull();
        empty.Records.Should().BeEmpty();
        empty.Next.Should().BeNull();
    }

    private InvitationContext Join(int user) => new() { Channel = Channel, Joiner = Jid.Parse($"user{user}@shakespeare.example") };

    private InvitationIssueRequest Bearer(int uses, TimeSpan? lifetime = null) => new()
    {
        Channel = Channel,
        Policy = BindingPolicies.UnboundName,
        MaxUses = uses,
        Lifetime = lifetime ?? TimeSpan.FromHours(1),
    };

    private InvitationIssueRequest InviterBound(Jid inviter) => new()
    {
        Channel = Channel,
        Inviter = inviter,
        Policy = BindingPolicies.InviterBoundName,
        MaxUses = 1,
        Lifetime = TimeSpan.FromHours(1),
    };

    private async Task<InvitationRecord> Get(Node node, IssuedInvitation issued) =>
        (await node.Inventory.GetAsync(Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken))
        ?? throw new InvalidOperationException("The inventory lost a live record.");

    private static async Task<List<InvitationInventoryPage>> ListAllAsync(IInvitationInventory inventory, InvitationInventoryQuery query)
    {
        var pages = new List<InvitationInventoryPage>();
        do
        {
            var page = await inventory.ListAsync(query, TestContext.Current.CancellationToken);
            pages.Add(page);
            query = query with { After = page.Next };
            pages.Count.Should().BeLessThan(1000, "a listing ends");
        }
        while (query.After is not null);
        return pages;
    }

    /// <summary>Two nodes, each its own service (recording into its node's inventory) and redeemer, sharing the key ring and the store.</summary>
    private (Node A, Node B) CreateNodesWithServices()
    {
        var (first, second) = CreateNodes();
        var options = new MixInvitationOptions { ExpiryTolerance = Tolerance, LedgerRetentionMargin = Margin };
        options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" });
        return (Node.Create(first, options, Time), Node.Create(second, options, Time));
    }

    private sealed record Node(InvitationService Service, InvitationRedeemer Redeemer, IInvitationInventory Inventory)
    {
        public static Node Create(IInvitationLedger ledger, MixInvitationOptions options, TimeProvider time)
        {
            var inventory = (IInvitationInventory)ledger;
            var service = InvitationService.Create(options, time, inventory: inventory);
            return new Node(service, new InvitationRedeemer(service, ledger, options: options, timeProvider: time, inventory: inventory), inventory);
        }
    }
}
