using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// Runs a store's scripts and, when the options ask for replica acknowledgements, Redis's <c>WAIT</c> right behind a
/// script that wrote: pipelined on the same connection to the same primary, so that it covers the script's writes.
/// </summary>
/// <remarks>
/// <para>
/// <b>Why the same connection.</b> <c>WAIT n timeout</c> blocks the client that sends it until <c>n</c> replicas have
/// acknowledged every write that client sent before it — the client being the connection. So the script and the
/// <c>WAIT</c> must go, in that order, over one connection to the primary that ran the script. StackExchange.Redis
/// keeps one interactive connection per server and writes the messages of one server in the order they are issued
/// (a message behind a backlog goes to the backlog), and Redis runs a connection's commands in order: the script is
/// sent, then the <c>WAIT</c>, before either is awaited, so the latency stays about one round trip plus the replica's
/// acknowledgement.
/// </para>
/// <para>
/// <b>Which primary.</b> The <c>WAIT</c> goes to an explicit server: the primary that owns the channel's slot (Redis
/// Cluster, by the cluster configuration the connection last read) or the one primary of the connection (a single
/// Redis, or a Sentinel service). In Redis Cluster the script goes to that same server explicitly too; elsewhere it
/// goes through the database, which can only reach the one primary. The script is sent with
/// <see cref="CommandFlags.NoRedirect"/> (a <c>MOVED</c> or <c>ASK</c> during a topology change is an error, never a
/// re-send to another server the <c>WAIT</c> would not cover) and <see cref="CommandFlags.NoScriptCache"/> (always
/// <c>EVAL</c> with the script: no <c>NOSCRIPT</c> answer after a failover whose automatic re-send would run the script
/// after the <c>WAIT</c>). A failed call in Redis Cluster asks the connection to read the topology again (at most once
/// a second), so that once a replica is promoted the writes go to it.
/// </para>
/// </remarks>
internal sealed partial class RedisStore
{
    private const CommandFlags WaitedScriptFlags = CommandFlags.DemandMaster | CommandFlags.NoRedirect | CommandFlags.NoScriptCache;

    private long _lastTopologyRefresh = long.MinValue;

    /// <summary>
    /// Runs <paramref name="script"/>; when replica acknowledgements are asked for and
    /// <paramref name="mustReplicate"/> says the answer is one that a failover must not lose, answers only once the
    /// replicas acknowledged it.
    /// </summary>
    /// <exception cref="InvitationLedgerUnavailableException">Thrown when fewer replicas acknowledged than asked, or no primary owns the keys' slot.</exception>
    /// <exception cref="RedisException">Thrown when Redis failed (the caller turns it into unavailable).</exception>
    public Task<RedisResult> EvaluateAsync(IConnectionMultiplexer connection, string script, RedisKey[] keys, RedisValue[] values, Func<RedisResult, bool> mustReplicate, CancellationToken cancellationToken)
    {
        var database = connection.GetDatabase(Database);

        // Without replicas to wait for, the client's own task: no frame of this method's around it.
        return ReplicaWait.IsOn
            ? EvaluateAndWaitAsync(connection, database, script, keys, values, mustReplicate, cancellationToken)
            : database.ScriptEvaluateAsync(script, keys, values).WaitAsync(cancellationToken);
    }

    /// <summary>The script, then <c>WAIT</c> on the same connection to the primary that ran it.</summary>
    private async Task<RedisResult> EvaluateAndWaitAsync(IConnectionMultiplexer connection, IDatabase database, string script, RedisKey[] keys, RedisValue[] values, Func<RedisResult, bool> mustReplicate, CancellationToken cancellationToken)
    {
        var clustered = false;
        try
        {
            var primary = PrimaryOf(connection, keys[0], out clustered);
            Task<RedisResult> evaluation;
            if (clustered)
            {
                var arguments = new List<object>(2 + keys.Length + values.Length) { script, keys.Length };
                foreach (var key in keys)
                {
                    arguments.Add(key);
                }

                foreach (var value in values)
                {
                    arguments.Add(value);
                }

                evaluation = primary.ExecuteAsync("EVAL", arguments, WaitedScriptFlags);
            }
            else
            {
                evaluation = database.ScriptEvaluateAsync(script, keys, values, WaitedScriptFlags);
            }

            // Issued before anything is awaited: the same connection carries it right behind the script.
            var acknowledgement = primary.ExecuteAsync("WAIT", [ReplicaWait.Replicas, ReplicaWait.TimeoutMilliseconds], CommandFlags.DemandMaster);

            RedisResult answer;
            try
            {
                answer = await evaluation.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Observe(acknowledgement);
                throw;
            }

            if (!mustReplicate(answer))
            {
                Observe(acknowledgement); // a refusal or a read: nothing a failover could lose is answered
                return answer;
            }

            var acknowledged = (long)await acknowledgement.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (acknowledged < ReplicaWait.Replicas)
            {
                throw new InvitationLedgerUnavailableException(
                    $"Redis replicated the write to {acknowledged} of the {ReplicaWait.Replicas} replicas asked for within {ReplicaWait.TimeoutMilliseconds} ms.");
            }

            return answer;
        }
        catch (Exception ex) when (clustered && ex is RedisException or TimeoutException or InvitationLedgerUnavailableException)
        {
            RefreshTopology(connection);
            throw;
        }
    }

    /// <summary>
    /// The server that <c>WAIT</c> must go to: in Redis Cluster the primary that owns <paramref name="key"/>'s slot by
    /// the cluster configuration the connection last read, elsewhere the connection's one connected primary.
    /// </summary>
    private static IServer PrimaryOf(IConnectionMultiplexer connection, RedisKey key, out bool clustered)
    {
        var servers = connection.GetServers();
        clustered = servers.Any(s => s.ServerType == ServerType.Cluster);
        if (clustered)
        {
            var slot = connection.HashSlot(key);
            foreach (var server in servers)
            {
                if (server.IsConnected && server.ClusterConfiguration?.GetBySlot(slot) is { IsReplica: false, EndPoint: { } endpoint }
                    && connection.GetServer(endpoint) is { IsConnected: true, IsReplica: false } owner)
                {
                    return owner;
                }
            }

            throw new InvitationLedgerUnavailableException("No connected Redis Cluster primary owns the channel's slot.");
        }

        IServer? primary = null;
        foreach (var server in servers)
        {
            if (server.IsConnected && !server.IsReplica)
            {
                if (primary is not null)
                {
                    // Which one the script would reach is not known, so the WAIT could go to another: refuse.
                    throw new InvitationLedgerUnavailableException("The Redis connection has more than one primary; replica acknowledgements need exactly one (or Redis Cluster).");
                }

                primary = server;
            }
        }

        return primary ?? throw new InvitationLedgerUnavailableException("No Redis primary is connected.");
    }

    /// <summary>Asks the connection to read the cluster's topology again — at most once a second — so a promoted replica is found.</summary>
    private void RefreshTopology(IConnectionMultiplexer connection)
    {
        // The system clock, not the store's: this only spaces out requests to Redis, and a test's clock that stands still
        // must not stop them. Decisions about tokens never read it.
        var now = TimeProvider.System.GetTimestamp();
        var last = Interlocked.Read(ref _lastTopologyRefresh);
        if ((last != long.MinValue && TimeProvider.System.GetElapsedTime(last, now) < TimeSpan.FromSeconds(1))
            || Interlocked.CompareExchange(ref _lastTopologyRefresh, now, last) != last)
        {
            return;
        }

        Observe(connection.ConfigureAsync());
    }

    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}

/// <summary>How many replicas must acknowledge a ledger write (<c>WAIT</c>), and for how long Redis waits; default: none, do not wait.</summary>
internal readonly record struct ReplicaWait(int Replicas, long TimeoutMilliseconds)
{
    /// <summary>Gets a value indicating whether writes wait for replicas.</summary>
    public bool IsOn => Replicas > 0;

    /// <summary>Reads and checks the options' replica settings.</summary>
    /// <exception cref="ArgumentException">Thrown (naming <paramref name="paramName"/>) when they are out of range.</exception>
    public static ReplicaWait From(RedisInvitationLedgerOptions options, string paramName)
    {
        var replicas = options.ReplicaAcknowledgements;
        if (replicas < 0)
        {
            throw new ArgumentException($"RedisInvitationLedgerOptions.ReplicaAcknowledgements must be 0 (do not wait) or more; it is {replicas}.", paramName);
        }

        if (replicas == 0)
        {
            return default;
        }

        var timeout = options.ReplicaAcknowledgementTimeout;
        if (timeout <= TimeSpan.Zero || timeout > RedisInvitationLedgerOptions.MaxReplicaAcknowledgementTimeout)
        {
            throw new ArgumentException(
                $"RedisInvitationLedgerOptions.ReplicaAcknowledgementTimeout must be more than zero (Redis would wait for ever) and at most {RedisInvitationLedgerOptions.MaxReplicaAcknowledgementTimeout}; it is {timeout}.",
                paramName);
        }

        return new(replicas, (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
    }
}
