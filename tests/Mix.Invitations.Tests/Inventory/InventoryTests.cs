using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Mix.Invitations.Tests.Inventory;

/// <summary>The inventory's own types and its wiring: ids and cursors, the query's rules, the label, issue refusals, registration.</summary>
public sealed class InventoryTests
{
    private static readonly InvitationTokenId Low = Id("00000000000000000000000000000001");
    private static readonly InvitationTokenId High = Id("ff000000000000000000000000000000");

    [Fact]
    public void TokenId_TryParse_RoundTripsToString_EitherCase()
    {
        var id = Id("0123456789abcdef0123456789abcdef");

        id.ToString().Should().Be("0123456789abcdef0123456789abcdef");
        InvitationTokenId.TryParse("0123456789ABCDEF0123456789ABCDEF", out var upper).Should().BeTrue();
        upper.Should().Be(id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData(" 123456789abcdef0123456789abcdef")]
    public void TokenId_TryParse_RefusesWhatIsNot32HexDigits(string text)
    {
        InvitationTokenId.TryParse(text, out var id).Should().BeFalse();
        id.Should().Be(default(InvitationTokenId));
    }

    [Fact]
    public void TokenId_Order_IsTheOrdinalOrderOfTheHexForm_Unsigned()
    {
        (Low < High).Should().BeTrue("0xff… sorts after 0x00… as the hex text does, not as a signed number");
        (High > Low).Should().BeTrue();
        var same = Id(Low.ToString());
        (Low <= same).Should().BeTrue();
        (Low >= same).Should().BeTrue();
        (High >= Low).Should().BeTrue();
        Low.CompareTo(High).Should().BeNegative();
        string.CompareOrdinal(Low.ToString(), High.ToString()).Should().BeNegative();
    }

    [Fact]
    public void Cursor_TextForm_RoundTrips_AndNamesNoJid()
    {
        var cursor = new InvitationInventoryCursor(TestKeys.Epoch.AddMilliseconds(999), High);

        cursor.ToString().Should().Be($"{TestKeys.Epoch.ToUnixTimeSeconds()}.{High}", "whole seconds: the token's issued-at has no finer grain");
        InvitationInventoryCursor.TryParse(cursor.ToString(), out var parsed).Should().BeTrue();
        parsed.Should().Be(cursor);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("1767225600")]
    [InlineData("1767225600.")]
    [InlineData("-1.ff000000000000000000000000000000")]
    [InlineData("+1.ff000000000000000000000000000000")]
    [InlineData("1767225600.ff00000000000000000000000000000")]
    [InlineData("99999999999999999999.ff000000000000000000000000000000")]
    [InlineData("253402300800.ff000000000000000000000000000000")]
    public void Cursor_TryParse_RefusesWhatItDidNotWrite(string text)
    {
        InvitationInventoryCursor.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Query_RefusesABadChannelPageSizeOrState_NamingTheMember()
    {
        FluentActions.Invoking(() => new InvitationInventoryQuery { Channel = default }).Should().Throw<ArgumentException>().WithParameterName("Channel");
        FluentActions.Invoking(() => new InvitationInventoryQuery { Channel = TestKeys.Channel, Inviter = default(Jid) }).Should().Throw<ArgumentException>().WithParameterName("Inviter");
        FluentActions.Invoking(() => new InvitationInventoryQuery { Channel = TestKeys.Channel, PageSize = 0 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PageSize");
        FluentActions.Invoking(() => new InvitationInventoryQuery { Channel = TestKeys.Channel, PageSize = InvitationInventoryQuery.MaxPageSize + 1 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PageSize");
        FluentActions.Invoking(() => new InvitationInventoryQuery { Channel = TestKeys.Channel, State = (InvitationState)9 }).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("State");
    }

    [Fact]
    public void Query_KeepsBareJids_AndBoundsWhatAPageLooksAt()
    {
        var query = new InvitationInventoryQuery { Channel = Jid.Parse("coven@mix.shakespeare.example/x"), Inviter = Jid.Parse("hag66@shakespeare.example/pda"), PageSize = 10 };

        query.Channel.Should().Be(TestKeys.Channel);
        query.Inviter.Should().Be(TestKeys.Inviter);
        query.ScanLimit.Should().Be(10);
        (query with { State = InvitationState.Active }).ScanLimit.Should().Be(10 * InvitationInventoryQuery.ScanFactor);
    }

    [Fact]
    public void StateOf_RevokedBeatsExpiredBeatsExhausted()
    {
        var expiry = TestKeys.Epoch.AddHours(1);

        InvitationRecord.StateOf(revoked: true, uses: 1, maxUses: 1, expiry, expiry).Should().Be(InvitationState.Revoked);
        InvitationRecord.StateOf(revoked: false, uses: 1, maxUses: 1, expiry, expiry).Should().Be(InvitationState.Expired);
        InvitationRecord.StateOf(revoked: false, uses: 1, maxUses: 1, expiry, expiry.AddTicks(-1)).Should().Be(InvitationState.Exhausted);
        InvitationRecord.StateOf(revoked: false, uses: 5, maxUses: 0, expiry, TestKeys.Epoch).Should().Be(InvitationState.Active, "a token without a use limit is never exhausted");
    }

    [Theory]
    [InlineData(65, "at most 64")]
    [InlineData(-1, "control character (U+0007) at index 3")]
    [InlineData(-2, "unpaired surrogate at index 2")]
    public void Issue_BadLabel_IsRefusedNamingTheField(int kind, string expected)
    {
        var (service, _) = TestKeys.Service();
        var label = kind switch
        {
            -1 => "abc\u0007",
            -2 => "ab\ud800c",
            _ => new string('x', kind),
        };

        FluentActions.Invoking(() => service.Issue(Labelled(label)))
            .Should().Throw<ArgumentException>().WithParameterName("Label").WithMessage($"*{expected}*");
    }

    [Fact]
    public async Task Issue_LabelOfSixtyFourCharactersWithAnEmoji_IsKept()
    {
        using var ledger = new InMemoryInvitationLedger(new FakeTimeProvider(TestKeys.Epoch));
        var service = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch), inventory: ledger);
        var label = new string('x', 62) + "🎉";

        var issued = service.Issue(Labelled(label));

        (await ledger.GetAsync(TestKeys.Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken))!.Label.Should().Be(label);
    }

    [Fact]
    public async Task Issue_InventoryUnreachable_IsRefused_ResourceConstraint_NothingHandedOut()
    {
        var sink = new RecordingSink();
        var service = InvitationService.Create(TestKeys.Options(), new FakeTimeProvider(TestKeys.Epoch), eventSinks: [sink], inventory: new UnreachableInventory());

        var result = await service.IssueAsync(TestKeys.InviteeBound(), TestContext.Current.CancellationToken);

        result.IsIssued.Should().BeFalse();
        result.Reason.Should().Be(InvitationIssueRefusalReason.InventoryUnavailable);
        result.StanzaError.Type.Should().Be("wait");
        result.StanzaError.Condition.Should().Be("resource-constraint");
        await Task.Delay(50, TestContext.Current.CancellationToken);
        sink.Events.Should().BeEmpty("nothing was issued");
    }

    [Fact]
    public void Issue_WithoutInventory_CompletesSynchronously_AsBefore()
    {
        var (service, _) = TestKeys.Service();

        var pending = service.IssueAsync(TestKeys.InviteeBound(), TestContext.Current.CancellationToken).AsTask();

        pending.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task AddInventory_TheDefaultLedgerIsTheInventory_IssueRecords_RevokeByIdRevokes()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddInventory();
        await using var provider = services.BuildServiceProvider();
        var issuer = provider.GetRequiredService<IInvitationIssuer>();
        var redeemer = provider.GetRequiredService<InvitationRedeemer>();
        var inventory = provider.GetRequiredService<IInvitationInventory>();

        var issued = issuer.Issue(Labelled("friday", maxUses: 2));

        inventory.Should().BeSameAs(provider.GetRequiredService<IInvitationLedger>());
        redeemer.Inventory.Should().BeSameAs(inventory);
        (await inventory.GetAsync(TestKeys.Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken))!.Label.Should().Be("friday");
        (await redeemer.RevokeByIdAsync(TestKeys.Channel, issued.Claims.TokenId, TestContext.Current.CancellationToken)).Should().Be(InvitationRevocationOutcome.Revoked);
        (await redeemer.RedeemAsync(issued.Invitation, new InvitationContext { Channel = TestKeys.Channel, Joiner = TestKeys.Invitee }, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.Revoked);
    }

    [Fact]
    public async Task WithoutAddInventory_NothingIsRecorded_AndRevokeByIdSaysWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }));
        await using var provider = services.BuildServiceProvider();
        var issued = provider.GetRequiredService<IInvitationIssuer>().Issue(TestKeys.InviteeBound(maxUses: 1));
        var redeemer = provider.GetRequiredService<InvitationRedeemer>();

        provider.GetService<IInvitationInventory>().Should().BeNull();
        ((InMemoryInvitationLedger)provider.GetRequiredService<IInvitationLedger>()).RecordCount.Should().Be(0);
        await FluentActions.Awaiting(async () => await redeemer.RevokeByIdAsync(TestKeys.Channel, issued.Claims.TokenId))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*AddInventory()*");
    }

    [Fact]
    public async Task AddInventory_OverALedgerThatKeepsNone_FailsNamingIt()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IInvitationLedger>(new NoInventoryLedger());
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 })).AddInventory();
        await using var provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IInvitationInventory>())
            .Should().Throw<InvalidOperationException>().WithMessage("*NoInventoryLedger*");
    }

    [Fact]
    public async Task Purge_ForgetsRecordsPastTheirRetention_AndEmptyChannels()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        using var ledger = new InMemoryInvitationLedger(time, TimeSpan.FromHours(1));
        var service = InvitationService.Create(TestKeys.Options(), time, inventory: ledger);
        var shortLived = service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromMinutes(10)));
        service.Issue(TestKeys.InviteeBound(lifetime: TimeSpan.FromDays(1)));
        ledger.RecordCount.Should().Be(2);

        time.Advance(TimeSpan.FromHours(1));

        ledger.RecordCount.Should().Be(1, "the purge timer ran past the short-lived record's retention");
        (await ledger.GetAsync(TestKeys.Channel, shortLived.Claims.TokenId, TestContext.Current.CancellationToken)).Should().BeNull();
        time.Advance(TimeSpan.FromDays(1));
        ledger.RecordCount.Should().Be(0);
    }

    [Fact]
    public async Task Add_PastItsRetention_StoresNothing()
    {
        var time = new FakeTimeProvider(TestKeys.Epoch);
        using var ledger = new InMemoryInvitationLedger(time);
        var record = new InvitationRecord { TokenId = High, Channel = TestKeys.Channel, Policy = "unbound", IssuedAt = TestKeys.Epoch, ExpiresAt = TestKeys.Epoch };

        await ledger.AddAsync(record, TestKeys.Epoch, TestContext.Current.CancellationToken);

        ledger.RecordCount.Should().Be(0);
    }

    private static InvitationIssueRequest Labelled(string label, int? maxUses = null) => new()
    {
        Channel = TestKeys.Channel,
        Inviter = TestKeys.Inviter,
        Invitee = TestKeys.Invitee,
        Policy = BindingPolicies.InviteeBoundName,
        MaxUses = maxUses,
        Label = label,
    };

    private static InvitationTokenId Id(string hex) => InvitationTokenId.TryParse(hex, out var id) ? id : throw new ArgumentException(hex);

    private sealed class UnreachableInventory : IInvitationInventory
    {
        public ValueTask AddAsync(InvitationRecord record, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
            throw new InvitationLedgerUnavailableException("The test's store is down.");

        public ValueTask<InvitationInventoryPage> ListAsync(InvitationInventoryQuery query, CancellationToken cancellationToken = default) =>
            throw new InvitationLedgerUnavailableException("The test's store is down.");

        public ValueTask<InvitationRecord?> GetAsync(Jid channel, InvitationTokenId tokenId, CancellationToken cancellationToken = default) =>
            throw new InvitationLedgerUnavailableException("The test's store is down.");
    }

    private sealed class RecordingSink : IInvitationEventSink
    {
        public List<InvitationEvent> Events { get; } = [];

        public ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken)
        {
            lock (Events)
            {
                Events.Add(invitationEvent);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoInventoryLedger : IInvitationLedger
    {
        public ValueTask<InvitationLedgerResult> TryConsumeAsync(InvitationLedgerRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask RevokeIssuedBeforeAsync(Jid channel, Jid? inviter, DateTimeOffset issuedBefore, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask RevokeAsync(InvitationTokenId tokenId, Jid channel, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<bool> ReleaseAsync(InvitationTokenId tokenId, Jid channel, long useId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
