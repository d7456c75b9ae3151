using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

public sealed class RedisInvitationLedgerTests : IClassFixture<RedisServerFixture>
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    private readonly RedisServerFixture _fixture;

    public RedisInvitationLedgerTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task KeyLayout_HashWithCounterAndIntsetOfOutstandingUseIds_TimeToLiveFromTheLedgersClock()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero)); // far from Redis's own clock
        var ledger = new RedisInvitationLedger(connection, "test-layout:", timeProvider: time);
        var id = NewId();
        var retainUntil = time.GetUtcNow().AddHours(1);

        var first = await ledger.TryConsumeAsync(id, Channel, 3, retainUntil, TestContext.Current.CancellationToken);
        var second = await ledger.TryConsumeAsync(id, Channel, 3, retainUntil, TestContext.Current.CancellationToken);
        (await ledger.ReleaseAsync(id, Channel, first.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();

        var db = connection.GetDatabase();
        var hash = TokenKey("test-layout:", id); // the channel's hash in braces: one hash slot for every key of the channel
        var uses = UsesKey("test-layout:", id);
        (first.UseId, second.UseId).Should().Be((1L, 2L));
        ((long)await db.HashGetAsync(hash, "n")).Should().Be(2, "the counter of use ids given out stays after a release");
        (await db.HashExistsAsync(hash, "r")).Should().BeFalse();
        (await db.SetMembersAsync(uses)).Select(m => (long)m).Should().Equal(2L);
        ((string?)await db.ExecuteAsync("OBJECT", "ENCODING", uses)).Should().Be("intset");
        foreach (var key in new[] { hash, uses })
        {
            var ttl = (await db.KeyTimeToLiveAsync(key))!.Value;
            ttl.Should().BeGreaterThan(TimeSpan.FromMinutes(59)).And.BeLessThanOrEqualTo(TimeSpan.FromHours(1), "an hour from the ledger's clock, whatever Redis's clock says");
        }
    }

    [Fact]
    public async Task TimeToLive_OnlyEverLengthens()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-ttl:", timeProvider: time);
        var db = connection.GetDatabase();
        var limited = NewId();
        var revoked = NewId();
        var limitedKey = TokenKey("test-ttl:", limited);
        var revokedKey = TokenKey("test-ttl:", revoked);

        await ledger.TryConsumeAsync(limited, Channel, 5, time.GetUtcNow().AddHours(2), TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(revoked, Channel, time.GetUtcNow().AddHours(2), TestContext.Current.CancellationToken);
        await ledger.TryConsumeAsync(limited, Channel, 5, time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);
        await ledger.RevokeAsync(revoked, Channel, time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);
        await ledger.TryConsumeAsync(revoked, Channel, 0, time.GetUtcNow().AddMinutes(1), TestContext.Current.CancellationToken);

        (await db.KeyTimeToLiveAsync(limitedKey))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(119), "an earlier instant never shortens the key");
        (await db.KeyTimeToLiveAsync(revokedKey))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(119));

        await ledger.TryConsumeAsync(limited, Channel, 5, time.GetUtcNow().AddHours(3), TestContext.Current.CancellationToken);
        await ledger.TryConsumeAsync(revoked, Channel, 0, time.GetUtcNow().AddHours(3), TestContext.Current.CancellationToken);

        (await db.KeyTimeToLiveAsync(limitedKey))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(179), "a later instant lengthens it");
        (await db.KeyTimeToLiveAsync(UsesKey("test-ttl:", limited)))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(179), "both keys of a token live as long");
        (await db.KeyTimeToLiveAsync(revokedKey))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(179), "a revocation check lengthens a revoked key too");
    }

    [Fact]
    public async Task TimeToLive_EntryWhoseUsesWereAllReleased_KeepsItsLongerOne()
    {
        // The consume script gives a token's keys the time to live asked for without asking theirs only when it has
        // just made both. An entry whose uses were all given back has its hash (the counter stays) and no set: a use
        // then makes only the set, which must get the hash's longer time to live, and the hash must keep it.
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-ttl-released:", timeProvider: time);
        var db = connection.GetDatabase();
        var id = NewId();
        var hash = TokenKey("test-ttl-released:", id);
        var uses = UsesKey("test-ttl-released:", id);

        var first = await ledger.TryConsumeAsync(id, Channel, 1, time.GetUtcNow().AddHours(3), TestContext.Current.CancellationToken);
        (await ledger.ReleaseAsync(id, Channel, first.UseId, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await db.KeyExistsAsync(uses)).Should().BeFalse("the set of outstanding uses went with its last member");

        var second = await ledger.TryConsumeAsync(id, Channel, 1, time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);

        second.UseId.Should().Be(2, "the hash was found: its counter goes on");
        foreach (var key in new[] { hash, uses })
        {
            (await db.KeyTimeToLiveAsync(key))!.Value.Should().BeGreaterThan(TimeSpan.FromMinutes(179), "the entry's longer time to live is kept, and the new set gets it");
        }
    }

    [Fact]
    public async Task RetentionPassed_NothingIsSentToRedis()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-late:", timeProvider: time);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, time.GetUtcNow(), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        (await ledger.TryConsumeAsync(id, Channel, 0, time.GetUtcNow().AddTicks(-1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired);
        await ledger.RevokeAsync(id, Channel, time.GetUtcNow(), TestContext.Current.CancellationToken);

        server.Keys(pattern: "test-late:*").Should().BeEmpty("no key was written, and no time to live of zero or less was ever set");
        (await ledger.TryConsumeAsync(id, Channel, 1, time.GetUtcNow().AddTicks(1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed, "one tick left is rounded up to a time to live of one millisecond, never down to zero");
    }

    [Fact]
    public async Task TryConsume_NotUseLimited_WritesNothing()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, "test-unlimited:");

        for (var i = 0; i < 5; i++)
        {
            await ledger.TryConsumeAsync(NewId(), Channel, 0, TimeProvider.System.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken);
        }

        var keys = connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: "test-unlimited:*").ToList();
        keys.Should().BeEmpty();
    }

    [Fact]
    public async Task KeyPrefix_SeparatesDeployments()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var blue = new RedisInvitationLedger(connection, "blue:");
        var green = new RedisInvitationLedger(connection, "green:");
        var id = NewId();
        var retainUntil = TimeProvider.System.GetUtcNow().AddHours(1);

        (await blue.TryConsumeAsync(id, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await green.TryConsumeAsync(id, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await blue.TryConsumeAsync(id, Channel, 1, retainUntil, TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
    }

    [Fact]
    public async Task TryConsume_ForeignValueUnderKey_FailsClosed()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var ledger = new RedisInvitationLedger(connection, "test-foreign:");
        var id = NewId();
        await connection.GetDatabase().StringSetAsync(TokenKey("test-foreign:", id), "not a hash");

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(id, Channel, 1, TimeProvider.System.GetUtcNow().AddHours(1)))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>().Where(e => e.InnerException is RedisServerException);
    }

    [Fact]
    public async Task Options_ConfigurationString_ConnectsOnFirstUse()
    {
        await using var ledger = new RedisInvitationLedger(new RedisInvitationLedgerOptions { Configuration = _fixture.Server.ConnectionString, KeyPrefix = "test-options:" });
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, TimeProvider.System.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(id, Channel, 1, TimeProvider.System.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Exhausted);
        ledger.KeyPrefix.Should().Be("test-options:");
    }

    [Fact]
    public async Task AddRedisLedger_ReplacesInMemoryLedgerAndRedeems()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }))
            .AddRedisLedger(_fixture.Server.ConnectionString, "test-di:");
        await using var provider = services.BuildServiceProvider();
        var redeemer = provider.GetRequiredService<InvitationRedeemer>();
        var invitation = provider.GetRequiredService<IInvitationIssuer>().Issue(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, MaxUses = 1 }).Invitation;
        var context = new InvitationContext { Channel = Channel };

        redeemer.Ledger.Should().BeOfType<RedisInvitationLedger>().Which.KeyPrefix.Should().Be("test-di:");
        (await redeemer.RedeemBearerAsync(invitation.Token, context, TestContext.Current.CancellationToken)).IsValid.Should().BeTrue();
        (await redeemer.RedeemBearerAsync(invitation.Token, context, TestContext.Current.CancellationToken)).Reason.Should().Be(InvitationFailureReason.UsesExhausted);
    }

    [Fact]
    public async Task AddRedisLedger_DecidesByTheContainersTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }))
            .AddRedisLedger(_fixture.Server.ConnectionString, "test-di-time:");
        await using var provider = services.BuildServiceProvider();
        var ledger = provider.GetRequiredService<IInvitationLedger>();
        var id = NewId();

        (await ledger.TryConsumeAsync(id, Channel, 1, time.GetUtcNow().AddHours(1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Consumed);
        (await ledger.TryConsumeAsync(NewId(), Channel, 1, time.GetUtcNow().AddTicks(-1), TestContext.Current.CancellationToken)).Outcome.Should().Be(InvitationLedgerOutcome.Expired, "by the container's clock, not the system's, this instant has passed");

        await using var connection = await _fixture.Server.ConnectAsync();
        (await connection.GetDatabase().KeyTimeToLiveAsync(TokenKey("test-di-time:", id)))!.Value
            .Should().BeLessThanOrEqualTo(TimeSpan.FromHours(1), "an hour from the container's clock, not fourteen years from the system's");
    }

    [Fact]
    public async Task TryConsume_NothingListening_ThrowsUnavailable()
    {
        // No server needed: a port nobody listens on.
        var port = FreePort();
        await using var ledger = new RedisInvitationLedger(new RedisInvitationLedgerOptions { Configuration = $"127.0.0.1:{port},abortConnect=false,connectTimeout=500,asyncTimeout=500,syncTimeout=500" });

        await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(NewId(), Channel, 1, TimeProvider.System.GetUtcNow().AddHours(1)))
            .Should().ThrowAsync<InvitationLedgerUnavailableException>();
    }

    [Fact]
    public async Task ConnectionFactoryThrows_IsUnavailableAndRetriedNextTime()
    {
        var calls = 0;
        await using var ledger = new RedisInvitationLedger(new RedisInvitationLedgerOptions
        {
            ConnectionMultiplexerFactory = () =>
            {
                calls++;
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down");
            },
        });

        for (var i = 0; i < 2; i++)
        {
            await FluentActions.Awaiting(async () => await ledger.TryConsumeAsync(NewId(), Channel, 1, TimeProvider.System.GetUtcNow().AddHours(1)))
                .Should().ThrowAsync<InvitationLedgerUnavailableException>();
        }

        calls.Should().Be(2);
    }

    [Fact]
    public void Constructor_NoConnectionConfigured_Throws()
    {
        FluentActions.Invoking(() => new RedisInvitationLedger(new RedisInvitationLedgerOptions())).Should().Throw<ArgumentException>().WithParameterName("options");
        FluentActions.Invoking(() => new RedisInvitationLedger((IConnectionMultiplexer)null!)).Should().Throw<ArgumentNullException>().WithParameterName("connection");
        FluentActions.Invoking(() => new ServiceCollection().AddMixInvitations().AddRedisLedger(" ")).Should().Throw<ArgumentException>().WithParameterName("configuration");
    }

    /// <summary>The token's hash: under the channel's labelled hash as the hash tag, no channel JID in clear.</summary>
    private static string TokenKey(string prefix, InvitationTokenId id) => $"{prefix}{{{RedisInvitationLedger.ChannelHash(Channel)}}}:t:{id}";

    private static string UsesKey(string prefix, InvitationTokenId id) => $"{prefix}{{{RedisInvitationLedger.ChannelHash(Channel)}}}:u:{id}";

    private static InvitationTokenId NewId() => new(RandomNumberGenerator.GetBytes(InvitationTokenId.Size));

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
