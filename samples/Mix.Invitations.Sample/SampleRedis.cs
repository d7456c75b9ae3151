using System.CommandLine;
using StackExchange.Redis;

namespace Mix.Invitations.Sample;

/// <summary>
/// The sample's shared state: with <c>--redis</c> (or <c>MIX_INVITATIONS_REDIS</c>) the ledger and the inventory are a
/// <see cref="RedisInvitationLedger"/>, so <c>issue</c>, <c>list</c>, <c>revoke</c> and <c>verify</c> run as separate
/// processes see one another's invitations, uses and revocations. Without it every process starts from nothing.
/// </summary>
/// <remarks>
/// The connection is made once, up front, with one attempt, a short connect timeout and a fail-fast backlog (as the
/// Redis package does for connections it makes): an unreachable server is reported at once as <see cref="SampleStoreUnavailableException"/>
/// naming only its endpoints — never the configuration string, which may hold a password.
/// </remarks>
internal sealed class SampleRedis : IAsyncDisposable
{
    /// <summary>The environment variable read when <c>--redis</c> is absent.</summary>
    public const string EnvironmentVariable = "MIX_INVITATIONS_REDIS";

    /// <summary>The prefix of every key the sample writes, apart from the library's default so the sample never shares a deployment's keys.</summary>
    public const string KeyPrefix = "mixinv-sample:";

    /// <summary>How long the first connection may take unless the configuration says otherwise (milliseconds).</summary>
    private const int DefaultConnectTimeoutMs = 2000;

    private readonly ConnectionMultiplexer _connection;

    private SampleRedis(ConnectionMultiplexer connection, RedisInvitationLedger ledger, string endpoints)
    {
        _connection = connection;
        Ledger = ledger;
        Endpoints = endpoints;
    }

    /// <summary>Gets the ledger: uses, revocations and cut-offs, shared by every process on the same Redis.</summary>
    public RedisInvitationLedger Ledger { get; }

    /// <summary>Gets the inventory: the same ledger, as the list of issued invitations.</summary>
    public IInvitationInventory Inventory => Ledger;

    /// <summary>Gets the endpoints, for messages (the configuration string may hold a password, so it is never printed).</summary>
    public string Endpoints { get; }

    /// <summary>The <c>--redis</c> option every command that can share state takes.</summary>
    public static Option<string?> Option() => new("--redis")
    {
        Description = $"A StackExchange.Redis configuration (e.g. localhost:6379) whose ledger and inventory are shared by every run: what one process issues, the next lists, revokes and redeems. Keys start with '{KeyPrefix}'. Default: ${EnvironmentVariable}; without either, nothing outlives the process.",
        HelpName = "configuration",
    };

    /// <summary>The configuration to use: the option, else the environment variable, else <see langword="null"/> (no Redis).</summary>
    public static string? Resolve(string? option, SampleEnvironment environment)
    {
        if (option is not null)
        {
            return string.IsNullOrWhiteSpace(option)
                ? throw new UsageException("--redis: a configuration is needed, e.g. localhost:6379")
                : option;
        }

        var variable = environment.GetVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(variable) ? null : variable;
    }

    /// <summary>Connects, or throws.</summary>
    /// <exception cref="UsageException">Thrown when the configuration cannot be parsed.</exception>
    /// <exception cref="SampleStoreUnavailableException">Thrown when Redis cannot be reached.</exception>
    public static async Task<SampleRedis> ConnectAsync(string configuration, TimeProvider time, CancellationToken cancellationToken)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (Exception ex) when (ex is ArgumentException or RedisConnectionException)
        {
            // The parser's messages quote the offending part of the string, which may be a password: not repeated.
            throw new UsageException("--redis: not a StackExchange.Redis configuration (host:port[,option=value…])", ex);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new UsageException("--redis: the configuration names no server; write host:port, e.g. localhost:6379");
        }

        var endpoints = string.Join(",", options.EndPoints.Select(EndPointCollection.ToString));

        // Fail fast. A command-line run connects once and needs the server now: abortConnect=true makes a refused or
        // timed-out first connection throw at once (a long-running node would rather start with abortConnect=false),
        // one attempt, a short connect timeout, and no command queued while disconnected.
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            options.ConnectTimeout = DefaultConnectTimeoutMs;
        }

        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new SampleStoreUnavailableException(endpoints, ex);
        }

        if (!connection.IsConnected)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new SampleStoreUnavailableException(endpoints, null);
        }

        // The ledger is also the inventory: what issue records, list shows and revoke looks ids up in.
        return new SampleRedis(connection, new RedisInvitationLedger(connection, KeyPrefix, timeProvider: time), endpoints);
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The usage error of a command that only makes sense on shared state.</summary>
    public static UsageException Required(string command) =>
        new($"{command} needs the shared inventory: pass --redis host:port (or set {EnvironmentVariable}); without Redis each run of the sample starts with nothing issued");
}

/// <summary>Redis could not be reached: one line naming its endpoints (never the configuration), exit code 5.</summary>
internal sealed class SampleStoreUnavailableException : Exception
{
    public SampleStoreUnavailableException()
    {
    }

    public SampleStoreUnavailableException(string message)
        : base(message)
    {
    }

    public SampleStoreUnavailableException(string endpoints, Exception? innerException)
        : base($"Redis at {endpoints} is unreachable{(innerException is null ? string.Empty : $" ({innerException.GetType().Name})")}; is redis-server running there? Nothing was changed.", innerException)
    {
    }
}
