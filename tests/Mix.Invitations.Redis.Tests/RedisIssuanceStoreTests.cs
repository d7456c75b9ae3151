using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// What the Redis issuance limiter and the Redis ledger's use reservations store, how long, at what cost, and what they
/// answer when Redis is gone; and their registrations.
/// </summary>
public sealed class RedisIssuanceStoreTests : IClassFixture<RedisServerFixture>
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");

    private readonly RedisServerFixture _fixture;

    public RedisIssuanceStoreTests(RedisServerFixture fixture)
    {
        _fixture = fixture;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Limiter_KeyLayout_OneCounterPerPartitionAndWindow_ExpiringAfterTheWindowPlusSlack()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 20, 0, TimeSpan.Zero)); // far from Redis's own clock
        var limiter = new RedisIssuanceLimiter(connection, "test-rl:", timeProvider: time);
        var partition = Guid.NewGuid().ToString("N");
        var window = TimeSpan.FromHours(1);

        (await limiter.TryAcquireAsync(partition, 10, window, Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync(partition, 10, window, Ct)).IsAcquired.Should().BeTrue();

        var db = connection.GetDatabase();
        var index = time.GetUtcNow().ToUnixTimeMilliseconds() / 3_600_000;
        var key = $"test-rl:rl:{{{partition}}}:3600000:{index}";
        ((long)await db.StringGetAsync(key)).Should().Be(2);
        var ttl = (await db.KeyTimeToLiveAsync(key))!.Value;
        ttl.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(window + RedisIssuanceLimiter.ExpirySlack);
        ttl.Should().BeGreaterThan(TimeSpan.FromMinutes(39), "forty minutes of the window are left, plus the slack")
            .And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(40) + RedisIssuanceLimiter.ExpirySlack);

        var memory = (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        TestContext.Current.TestOutputHelper?.WriteLine($"MEMORY USAGE of one limiter counter ({key.Length}-byte key): {memory} bytes");
        memory.Should().BeLessThan(200);
    }

    [Fact]
    public async Task Limiter_WindowShorterThanTheSlack_KeyStillExpires()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var limiter = new RedisIssuanceLimiter(connection, "test-rl-short:");
        var partition = Guid.NewGuid().ToString("N");

        (await limiter.TryAcquireAsync(partition, 1, TimeSpan.FromSeconds(1), Ct)).IsAcquired.Should().BeTrue();

        var key = (await KeysAsync(connection, "test-rl-short:*")).Should().ContainSingle().Subject;
        (await connection.GetDatabase().KeyTimeToLiveAsync(key))!.Value.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1) + RedisIssuanceLimiter.ExpirySlack);
    }

    [Fact]
    public async Task Reservations_KeyLayout_SortedSetByExpiryAndRunningTotal_UnderTheChannelsHash_ExpiringWithTheLatest()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-bearer:", timeProvider: time);
        var now = time.GetUtcNow();

        (await ledger.TryReserveAsync(Channel, 3, 100, now.AddHours(2), Ct)).IsAcquired.Should().BeTrue();

        var db = connection.GetDatabase();
        var keys = await KeysAsync(connection, "test-bearer:*");
        keys.Should().HaveCount(2);
        keys.Should().OnlyContain(k => !k.Contains("coven", StringComparison.Ordinal) && !k.Contains('@', StringComparison.Ordinal), "no JID in clear");
        var set = keys.Single(k => !k.EndsWith(":total", StringComparison.Ordinal));
        set.Should().Be($"test-bearer:bearer:{{{ChannelHash("coven@mix.shakespeare.example")}}}", "the channel's labelled hash is the hash tag");
        keys.Should().Contain(set + ":total", "both keys share the hash tag, so one slot");
        var members = await db.SortedSetRangeByRankWithScoresAsync(set);
        members.Should().ContainSingle();
        ((string)members[0].Element!).Should().MatchRegex("^[0-9a-f]{16}:3$", "a random id and the uses: nothing of the invitation");
        members[0].Score.Should().Be(now.AddHours(2).ToUnixTimeMilliseconds());
        ((long)await db.StringGetAsync(set + ":total")).Should().Be(3);
        foreach (var key in keys)
        {
            (await db.KeyTimeToLiveAsync(key))!.Value.Should().BeCloseTo(TimeSpan.FromHours(2), TimeSpan.FromSeconds(5), "until the reservation expires, by the ledger's clock");
        }

        var setMemory = (long)await db.ExecuteAsync("MEMORY", "USAGE", set, "SAMPLES", "0");
        var totalMemory = (long)await db.ExecuteAsync("MEMORY", "USAGE", set + ":total", "SAMPLES", "0");
        TestContext.Current.TestOutputHelper?.WriteLine($"MEMORY USAGE of a channel with one reservation: sorted set {setMemory} bytes ({(string?)await db.ExecuteAsync("OBJECT", "ENCODING", set)}), total {totalMemory} bytes");
        (setMemory + totalMemory).Should().BeLessThan(400);

        // A later reservation lengthens both keys to its expiry; an earlier one shortens nothing.
        (await ledger.TryReserveAsync(Channel, 1, 100, now.AddHours(5), Ct)).IsAcquired.Should().BeTrue();
        (await ledger.TryReserveAsync(Channel, 1, 100, now.AddHours(1), Ct)).IsAcquired.Should().BeTrue();
        foreach (var key in keys)
        {
            (await db.KeyTimeToLiveAsync(key))!.Value.Should().BeCloseTo(TimeSpan.FromHours(5), TimeSpan.FromSeconds(5));
        }

        ((long)await db.StringGetAsync(set + ":total")).Should().Be(5);
    }

    [Fact]
    public async Task Reservations_ExpiredMembers_AreDroppedAndSubtracted()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-bearer-drop:", timeProvider: time);
        for (var i = 0; i < 5; i++)
        {
            await ledger.TryReserveAsync(Channel, 2, 100, time.GetUtcNow().AddMinutes(10 + i), Ct);
        }

        time.Advance(TimeSpan.FromMinutes(12));
        (await ledger.TryReserveAsync(Channel, 1, 100, time.GetUtcNow().AddMinutes(10), Ct)).IsAcquired.Should().BeTrue();

        var db = connection.GetDatabase();
        var set = (await KeysAsync(connection, "test-bearer-drop:*")).Single(k => !k.EndsWith(":total", StringComparison.Ordinal));
        (await db.SortedSetLengthAsync(set)).Should().Be(3, "the reservations expiring at 10, 11 and 12 minutes were dropped");
        ((long)await db.StringGetAsync(set + ":total")).Should().Be(5);
    }

    [Fact]
    public async Task Reservations_RunningTotalLost_IsCountedAgainFromTheLiveMembers()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-bearer-lost:", timeProvider: time);
        await ledger.TryReserveAsync(Channel, 3, 10, time.GetUtcNow().AddMinutes(5), Ct);
        await ledger.TryReserveAsync(Channel, 4, 10, time.GetUtcNow().AddHours(1), Ct);
        var set = (await KeysAsync(connection, "test-bearer-lost:*")).Single(k => !k.EndsWith(":total", StringComparison.Ordinal));
        await connection.GetDatabase().KeyDeleteAsync(set + ":total"); // as an eviction would

        (await ledger.TryReserveAsync(Channel, 4, 10, time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeFalse("3 + 4 uses are still live");
        (await ledger.TryReserveAsync(Channel, 3, 10, time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeTrue();
        ((long)await connection.GetDatabase().StringGetAsync(set + ":total")).Should().Be(10);
    }

    [Fact]
    public async Task Reservations_SetLostWithTheTotalLeft_StartsAfresh()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var ledger = new RedisInvitationLedger(connection, "test-bearer-lostset:", timeProvider: time);
        await ledger.TryReserveAsync(Channel, 10, 10, time.GetUtcNow().AddHours(1), Ct);
        var set = (await KeysAsync(connection, "test-bearer-lostset:*")).Single(k => !k.EndsWith(":total", StringComparison.Ordinal));
        await connection.GetDatabase().KeyDeleteAsync(set);

        (await ledger.TryReserveAsync(Channel, 10, 10, time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeTrue("no reservation is left to count");
    }

    [Fact]
    public async Task RedisStopped_LimiterAndReservationsAreUnavailable_NeverAcquired_AndRecover()
    {
        using var server = RedisServer.Start();
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        var limiters = new[] { new RedisIssuanceLimiter(first), new RedisIssuanceLimiter(second) };
        var ledgers = new[] { new RedisInvitationLedger(first), new RedisInvitationLedger(second) };
        var until = TimeProvider.System.GetUtcNow().AddHours(1);
        (await limiters[0].TryAcquireAsync("p", 100, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();
        (await ledgers[0].TryReserveAsync(Channel, 1, 100, until, Ct)).IsAcquired.Should().BeTrue();

        server.Kill();

        var whileDown = new List<InvitationLimitResult>();
        for (var i = 0; i < 10; i++)
        {
            whileDown.Add(await limiters[i % 2].TryAcquireAsync("p", 100, TimeSpan.FromHours(1), Ct));
            whileDown.Add(await ledgers[i % 2].TryReserveAsync(Channel, 1, 100, until, Ct));
        }

        whileDown.Should().OnlyContain(r => r.IsUnavailable && !r.IsAcquired && r.RetryAfter == null);

        server.Restart(); // empty: no persistence

        (await WhenBackAsync(() => limiters[1].TryAcquireAsync("p", 100, TimeSpan.FromHours(1), Ct))).IsAcquired.Should().BeTrue();
        (await WhenBackAsync(() => ledgers[1].TryReserveAsync(Channel, 1, 100, until, Ct))).IsAcquired.Should().BeTrue();
    }

    [Fact]
    public async Task RedisPaused_TimeoutIsUnavailable()
    {
        using var server = RedisServer.Start();
        await using var connection = await server.ConnectAsync(commandTimeoutMs: 300);
        await using var admin = await server.ConnectAsync();
        var limiter = new RedisIssuanceLimiter(connection);
        var ledger = new RedisInvitationLedger(connection);
        (await limiter.TryAcquireAsync("p", 100, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();

        // The server stops answering for 4 s; the commands time out first (300 ms, checked about once a second).
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "4000", "ALL");
        var limited = limiter.TryAcquireAsync("p", 100, TimeSpan.FromHours(1), Ct).AsTask();
        var reserved = ledger.TryReserveAsync(Channel, 1, 100, TimeProvider.System.GetUtcNow().AddHours(1), Ct).AsTask();

        (await limited).IsUnavailable.Should().BeTrue();
        (await reserved).IsUnavailable.Should().BeTrue();
    }

    [Fact]
    public async Task Limiter_NothingListening_IsUnavailable()
    {
        var port = FreePort();
        await using var limiter = new RedisIssuanceLimiter(new RedisInvitationLedgerOptions { Configuration = $"127.0.0.1:{port},abortConnect=false,connectTimeout=500,asyncTimeout=500,syncTimeout=500" });

        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsUnavailable.Should().BeTrue();
    }

    [Fact]
    public async Task Limiter_ForeignValueUnderKey_IsUnavailable()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var limiter = new RedisIssuanceLimiter(connection, "test-rl-foreign:", timeProvider: time);
        var index = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
        await connection.GetDatabase().SetAddAsync($"test-rl-foreign:rl:{{p}}:60000:{index}", "not a counter");

        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromMinutes(1), Ct)).IsUnavailable.Should().BeTrue();
    }

    [Fact]
    public async Task Limiter_ConnectionFactoryThrows_IsUnavailableAndRetriedNextTime()
    {
        var calls = 0;
        await using var limiter = new RedisIssuanceLimiter(new RedisInvitationLedgerOptions
        {
            ConnectionMultiplexerFactory = () =>
            {
                calls++;
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down");
            },
        });

        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsUnavailable.Should().BeTrue();
        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsUnavailable.Should().BeTrue();
        calls.Should().Be(2);
    }

    [Fact]
    public void Limiter_Constructors_CheckTheirArguments()
    {
        FluentActions.Invoking(() => new RedisIssuanceLimiter(new RedisInvitationLedgerOptions())).Should().Throw<ArgumentException>().WithParameterName("options");
        FluentActions.Invoking(() => new RedisIssuanceLimiter(new RedisInvitationLedgerOptions { Configuration = "localhost", KeyPrefix = null! })).Should().Throw<ArgumentException>().WithParameterName("options");
        FluentActions.Invoking(() => new RedisIssuanceLimiter((IConnectionMultiplexer)null!)).Should().Throw<ArgumentNullException>().WithParameterName("connection");
        FluentActions.Invoking(() => new RedisIssuanceLimiter((RedisInvitationLedgerOptions)null!)).Should().Throw<ArgumentNullException>().WithParameterName("options");
    }

    [Fact]
    public async Task Limiter_Disposed_Throws()
    {
        await using var connection = await _fixture.Server.ConnectAsync();
        var limiter = new RedisIssuanceLimiter(connection);
        await limiter.DisposeAsync();

        await FluentActions.Awaiting(async () => await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).Should().ThrowAsync<ObjectDisposedException>();
        connection.IsConnected.Should().BeTrue("the caller's connection is the caller's to dispose");
    }

    [Fact]
    public async Task AddRedisIssuanceLimiter_ReplacesTheLimiter_SharesTheLedgersConnection_AndTheLedgerReservesUses()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var connections = new List<IConnectionMultiplexer>();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IInvitationIssuanceLimiter, RefusingLimiter>(); // as a default registered before
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }))
            .AddRedisLedger(o =>
            {
                o.ConnectionMultiplexerFactory = async () =>
                {
                    var connection = await _fixture.Server.ConnectAsync();
                    lock (connections)
                    {
                        connections.Add(connection);
                    }

                    return connection;
                };
                o.KeyPrefix = "test-di-issue:";
            })
            .AddRedisIssuanceLimiter();
        try
        {
            await using var provider = services.BuildServiceProvider();
            var limiters = provider.GetServices<IInvitationIssuanceLimiter>().ToList();
            limiters.Should().ContainSingle().Which.Should().BeOfType<RedisIssuanceLimiter>().Which.KeyPrefix.Should().Be("test-di-issue:");
            var reservations = provider.GetService<IInvitationLedger>() as IInvitationUseReservations; // as the built-in rule resolves it
            reservations.Should().BeOfType<RedisInvitationLedger>();

            (await limiters[0].TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();
            (await reservations!.TryReserveAsync(Channel, 1, 1, time.GetUtcNow().AddHours(1), Ct)).IsAcquired.Should().BeTrue();
            (await reservations.TryReserveAsync(Channel, 1, 1, time.GetUtcNow().AddHours(1), Ct)).RetryAfter.Should().Be(TimeSpan.FromHours(1));
            connections.Should().ContainSingle("the ledger and the limiter share one connection");

            var index = time.GetUtcNow().ToUnixTimeMilliseconds() / 3_600_000;
            (await connections[0].GetDatabase().KeyExistsAsync($"test-di-issue:rl:{{p}}:3600000:{index}")).Should().BeTrue("the window is the container's clock's");
        }
        finally
        {
            connections.ForEach(c => c.Dispose()); // the factory's connections are the application's
        }
    }

    [Fact]
    public async Task AddRedisIssuanceLimiter_WithItsOwnConfiguration_ConnectsOnFirstUse_AndTheContainerClosesTheConnection()
    {
        var name = $"test-di-own-{Guid.NewGuid():N}";
        var services = new ServiceCollection();
        services.AddMixInvitations(o => o.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" }))
            .AddRedisIssuanceLimiter(o =>
            {
                o.Configuration = _fixture.Server.ConnectionString + ",name=" + name;
                o.KeyPrefix = "test-di-own:";
            });
        var provider = services.BuildServiceProvider();
        var limiter = provider.GetRequiredService<IInvitationIssuanceLimiter>();
        await using var probe = await _fixture.Server.ConnectAsync();

        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeTrue();
        (await limiter.TryAcquireAsync("p", 1, TimeSpan.FromHours(1), Ct)).IsAcquired.Should().BeFalse();
        (await ClientsNamedAsync(probe, name)).Should().BePositive();

        await provider.DisposeAsync();

        for (var i = 0; i < 50 && await ClientsNamedAsync(probe, name) > 0; i++)
        {
            await Task.Delay(100, Ct);
        }

        (await ClientsNamedAsync(probe, name)).Should().Be(0, "the container disposed the connection it made");
    }

    [Fact]
    public void AddRedisIssuanceLimiter_NoConnectionConfigured_ThrowsWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddMixInvitations().AddRedisIssuanceLimiter();
        using var provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IInvitationIssuanceLimiter>()).Should().Throw<ArgumentException>().WithParameterName("options");
    }

    private static async Task<int> ClientsNamedAsync(ConnectionMultiplexer probe, string name)
    {
        var list = (string?)await probe.GetDatabase().ExecuteAsync("CLIENT", "LIST") ?? string.Empty;
        return list.Split('\n').Count(line => line.Contains($" name={name} ", StringComparison.Ordinal));
    }

    /// <summary>The labelled hash of a channel the reservation keys carry: SHA-256("Mix.Invitations channel v1" || 0x00 || bare JID)[0..16], hexadecimal.</summary>
    private static string ChannelHash(string bareJid) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("Mix.Invitations channel v1\0" + bareJid))[..16]);

    private static async Task<List<string>> KeysAsync(ConnectionMultiplexer connection, string pattern)
    {
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            keys.Add(key!);
        }

        return keys;
    }

    /// <summary>Retries while Redis is still unavailable (bounded: 150 tries, 100 ms apart), as a client would retry its issue.</summary>
    private static async Task<InvitationLimitResult> WhenBackAsync(Func<ValueTask<InvitationLimitResult>> attempt)
    {
        InvitationLimitResult result = default;
        for (var i = 0; i < 150; i++)
        {
            result = await attempt();
            if (!result.IsUnavailable)
            {
                return result;
            }

            await Task.Delay(100, Ct);
        }

        return result;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class RefusingLimiter : IInvitationIssuanceLimiter
    {
        public ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken) =>
            ValueTask.FromResult(InvitationLimitResult.Exceeded(null));
    }
}
