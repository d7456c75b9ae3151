#if MIX_INVITATIONS_LEDGER
using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Mix.Invitations.Tests.Shared;
using StackExchange.Redis;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// A redemption through the Redis ledger against the cheapest thing that can be asked of the same Redis over the same
/// connection: <c>EVALSHA</c> of <c>return 1</c> (issue 20, requirement 2). Latency: one call at a time. Throughput:
/// 64 calls in flight, split over two service instances (two <see cref="InvitationRedeemer"/>s on two
/// <see cref="RedisInvitationLedger"/>s, each with a <see cref="ConnectionMultiplexer"/> of its own), against the same
/// two connections running the bare script 64 at a time.
/// </summary>
/// <remarks>
/// <para>
/// The benchmark starts its own redis-server on a free loopback port (no persistence, a temporary directory) and stops
/// it at clean-up; it needs redis-server on the path (CI installs it).
/// </para>
/// <para>
/// Every redemption is a real one: a fresh single-use, invitee-bound token redeemed by its invitee, so the script finds
/// no entry, reads the channel's and the inviter's cut-offs, takes the use, records the joiner and sets the keys' time
/// to live — what a server pays for the common join. The tokens are a pool of <see cref="TokensPerEpoch"/> issued at
/// set-up; each pass over the pool (an epoch) writes to the next of Redis's 16 databases, and the database that will be
/// used eight epochs later is flushed (<c>FLUSHDB ASYNC</c>, sent once an epoch without waiting) so the pool's tokens are
/// fresh again there and Redis's memory stays bounded.
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class RedisRedeemBenchmarks
{
    /// <summary>Calls in flight in the throughput rows, half on each service instance.</summary>
    public const int Concurrency = 64;

    /// <summary>Calls each of the <see cref="Concurrency"/> callers makes per invocation of a throughput row.</summary>
    public const int CallsPerCaller = 32;

    public const int ConcurrentOperations = Concurrency * CallsPerCaller;

    public const int TokensPerEpoch = 16384;

    private const int Databases = 16;

    private readonly ConcurrentDictionary<long, InvitationRedeemer[]> _epochs = new();
    private ThrowawayRedisServer? _server;
    private ConnectionMultiplexer[] _connections = [];
    private IDatabase[] _databases = [];
    private byte[] _trivialScript = null!;
    private InvitationService _service = null!;
    private Invitation[] _tokens = null!;
    private InvitationContext _context;
    private long _next = -1;

    /// <summary>Gets the port of the benchmark's redis-server (for redis-benchmark, run against the same server).</summary>
    public int Port => _server?.Port ?? throw new InvalidOperationException("Not set up.");

    /// <summary>Gets the SHA-1 of the trivial script, in hexadecimal (for redis-benchmark's EVALSHA).</summary>
    public string TrivialScriptSha => Convert.ToHexStringLower(_trivialScript);

    [GlobalSetup]
    public void Setup()
    {
        _server = ThrowawayRedisServer.Start();
        try
        {
            SetupOnServer();
        }
        catch
        {
            Cleanup();
            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _connections = [];
        _server?.Dispose();
        _server = null;
    }

    private void SetupOnServer()
    {
        _connections = [Connect(), Connect()];
        _databases = [.. _connections.Select(c => c.GetDatabase())];
        _trivialScript = (byte[])_connections[0].GetServer("127.0.0.1", _server!.Port).ScriptLoad("return 1");

        _service = Fixture.Service();
        _tokens = new Invitation[TokensPerEpoch];
        for (var i = 0; i < _tokens.Length; i++)
        {
            _tokens[i] = _service.IssueNow(Fixture.SingleUseRequest()).Issued.Invitation;
        }

        _context = Fixture.Context();
        if (BareEvalSha().AsTask().GetAwaiter().GetResult() != 1 || !Redeem().AsTask().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("The bare script or the redemption failed.");
        }

        // The token just redeemed, redeemed again by its invitee, answers the same use (a retry), and by anyone else is
        // refused as used up: the redemptions measured are real ones.
        var used = _tokens[_next % TokensPerEpoch];
        var redeemer = Redeemers(_next / TokensPerEpoch)[1];
        if (!redeemer.RedeemAsync(used, _context).AsTask().GetAwaiter().GetResult().IsRepeat)
        {
            throw new InvalidOperationException("A single-use token redeemed again by its invitee did not answer the same use.");
        }
    }

    [Benchmark(Baseline = true, Description = "EVALSHA 'return 1' (bare round trip)")]
    public async ValueTask<long> BareEvalSha() => (long)await _databases[0].ScriptEvaluateAsync(_trivialScript).ConfigureAwait(false);

    [Benchmark(Description = "Redeem, Redis ledger (fresh single-use token)")]
    public async ValueTask<bool> Redeem()
    {
        var (redeemer, invitation) = NextRedemption(0);
        return (await redeemer.RedeemAsync(invitation, _context).ConfigureAwait(false)).IsValid;
    }

    /// <summary>
    /// The ledger alone: what <see cref="Redeem"/> asks of it (a fresh single-use token of the channel, its inviter,
    /// redeemed by its invitee), without the validation before it — where a redemption's time goes between the two.
    /// </summary>
    [Benchmark(Description = "Consume, Redis ledger only (fresh token id)")]
    public async ValueTask<bool> ConsumeOnly()
    {
        var index = Interlocked.Increment(ref _next);
        var ledger = Redeemers(index / TokensPerEpoch)[0].Ledger!;
        var request = FreshRequest(index);
        return (await ledger.TryConsumeAsync(request).ConfigureAwait(false)).Outcome == InvitationLedgerOutcome.Consumed;
    }

    [Benchmark(OperationsPerInvoke = ConcurrentOperations, Description = "EVALSHA 'return 1', 64 in flight on 2 connections (per call)")]
    public Task BareEvalShaConcurrent() => Concurrently(static async (bench, instance) =>
    {
        var database = bench._databases[instance];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await database.ScriptEvaluateAsync(bench._trivialScript).ConfigureAwait(false);
        }
    });

    [Benchmark(OperationsPerInvoke = ConcurrentOperations, Description = "Redeem, Redis ledger, 64 in flight on 2 instances (per call)")]
    public Task RedeemConcurrent() => Concurrently(static async (bench, instance) =>
    {
        for (var i = 0; i < CallsPerCaller; i++)
        {
            var (redeemer, invitation) = bench.NextRedemption(instance);
            if (!(await redeemer.RedeemAsync(invitation, bench._context).ConfigureAwait(false)).IsValid)
            {
                throw new InvalidOperationException("A fresh token was refused.");
            }
        }
    });

    /// <summary>
    /// What Redis itself spends on each script <paramref name="operation"/> sends (<c>INFO commandstats</c>,
    /// <c>usec_per_call</c> of <c>EVALSHA</c> and <c>EVAL</c> together), over <paramref name="calls"/> calls one at a time:
    /// the server's side of a call, without the round trip.
    /// </summary>
    public double ServerMicrosecondsPerCall(Action operation, int calls)
    {
        var server = _connections[0].GetServer("127.0.0.1", Port);
        server.Execute("CONFIG", "RESETSTAT");
        for (var i = 0; i < calls; i++)
        {
            operation();
        }

        long count = 0, microseconds = 0;
        foreach (var stat in server.Info("commandstats").SelectMany(g => g).Where(s => s.Key is "cmdstat_evalsha" or "cmdstat_eval"))
        {
            foreach (var field in stat.Value.Split(','))
            {
                var (name, value) = (field[..field.IndexOf('=')], field[(field.IndexOf('=') + 1)..]);
                count += name == "calls" ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
                microseconds += name == "usec" ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            }
        }

        return count == 0 ? double.NaN : (double)microseconds / count;
    }

    /// <summary>A single-use token's request like the pool's, with an id of its own (the pool's ids are random: no clash).</summary>
    private static InvitationLedgerRequest FreshRequest(long index)
    {
        Span<byte> id = stackalloc byte[InvitationTokenId.Size];
        BitConverter.TryWriteBytes(id, index);
        BitConverter.TryWriteBytes(id[8..], Environment.ProcessId);
        var now = DateTimeOffset.UtcNow;
        return new InvitationLedgerRequest(new InvitationTokenId(id), Fixture.Channel, 1, now.AddHours(1), now, Fixture.Inviter, Fixture.Invitee);
    }

    /// <summary>Runs <see cref="Concurrency"/> callers at once, alternately on the two instances, and waits for all.</summary>
    private Task Concurrently(Func<RedisRedeemBenchmarks, int, Task> caller)
    {
        var callers = new Task[Concurrency];
        for (var c = 0; c < callers.Length; c++)
        {
            callers[c] = caller(this, c & 1);
        }

        return Task.WhenAll(callers);
    }

    /// <summary>The next fresh token of the pool, and the redeemer of <paramref name="instance"/> for its epoch.</summary>
    private (InvitationRedeemer Redeemer, Invitation Invitation) NextRedemption(int instance)
    {
        var index = Interlocked.Increment(ref _next);
        return (Redeemers(index / TokensPerEpoch)[instance], _tokens[index % TokensPerEpoch]);
    }

    private InvitationRedeemer[] Redeemers(long epoch) => _epochs.GetOrAdd(epoch, static (epoch, bench) =>
    {
        var database = (int)(epoch % Databases);

        // Fresh for the epoch that will use it next; nothing of the current or recent epochs is there.
        _ = bench._connections[0].GetDatabase((int)((epoch + (Databases / 2)) % Databases)).ExecuteAsync("FLUSHDB", ["ASYNC"], CommandFlags.FireAndForget);
        return [.. bench._connections.Select(c => new InvitationRedeemer(bench._service, new RedisInvitationLedger(c, new RedisInvitationLedgerOptions { Database = database }, null)))];
    }, this);

    private ConnectionMultiplexer Connect()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{_server!.Port},abortConnect=false,allowAdmin=true");
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(options);
    }
}
#endif
