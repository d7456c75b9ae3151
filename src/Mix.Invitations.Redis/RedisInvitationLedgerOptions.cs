using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>Configures <see cref="RedisInvitationLedger"/>: where Redis is and under which key prefix the entries live.</summary>
public sealed class RedisInvitationLedgerOptions
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultKeyPrefix = "mixinv:";

    /// <summary>Gets or sets the StackExchange.Redis configuration string, for example <c>redis1:6379,redis2:6379,abortConnect=false</c>.</summary>
    /// <value>Default <see langword="null"/>. Either this or <see cref="ConnectionMultiplexerFactory"/> must be set; the factory wins when both are.</value>
    /// <remarks>The ledger connects on first use and owns (and disposes) the connection it makes.</remarks>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets a factory for the connection, to share one the application already has.</summary>
    /// <value>Default <see langword="null"/>. Called once, on first use; when it throws, the call that needed it fails closed and the next one calls it again.</value>
    /// <remarks>The ledger does not dispose a connection it got from the factory: the application owns it.</remarks>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>Gets or sets the prefix of every key the ledger writes.</summary>
    /// <value>Default <c>mixinv:</c>. Keys are the prefix, the 32 hexadecimal digits of the token id, <c>:</c> and the bare channel JID.</value>
    /// <remarks>Give each deployment that shares a Redis database its own prefix. All nodes of one deployment must use the same one.</remarks>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets the Redis database number.</summary>
    /// <value>Default -1: the connection's default database.</value>
    public int Database { get; set; } = -1;
}
