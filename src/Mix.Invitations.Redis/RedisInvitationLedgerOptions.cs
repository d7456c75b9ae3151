using StackExchange.Redis;

namespace Mix.Invitations;

/// <summary>
/// Configures <see cref="RedisInvitationLedger"/> — and <see cref="RedisIssuanceLimiter"/>, which shares the ledger's
/// options and, when both are registered, its connection: where Redis is and under which key prefix the entries live.
/// </summary>
public sealed class RedisInvitationLedgerOptions
{
    /// <summary>The default key prefix.</summary>
    public const string DefaultKeyPrefix = "mixinv:";

    /// <summary>Gets or sets the StackExchange.Redis configuration string, for example <c>redis1:6379,redis2:6379,abortConnect=false</c>.</summary>
    /// <value>Default <see langword="null"/>. Either this or <see cref="ConnectionMultiplexerFactory"/> must be set; the factory wins when both are.</value>
    /// <remarks>
    /// The ledger connects on first use and owns (and disposes) the connection it makes. It sets the connection's
    /// backlog policy to fail fast: while Redis is unreachable a redemption is refused at once instead of waiting for
    /// the command timeout. Pass <c>abortConnect=false</c> so a node starts (and refuses use-limited tokens) while Redis
    /// is still down, and keep <c>syncTimeout</c>/<c>asyncTimeout</c> short (joins wait for them).
    /// </remarks>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets a factory for the connection, to share one the application already has.</summary>
    /// <value>Default <see langword="null"/>. Called once, on first use; when it throws, the call that needed it fails closed and the next one calls it again.</value>
    /// <remarks>The ledger does not dispose a connection it got from the factory: the application owns it. Consider <c>BacklogPolicy.FailFast</c> on it, as the ledger sets for connections it makes.</remarks>
    public Func<Task<IConnectionMultiplexer>>? ConnectionMultiplexerFactory { get; set; }

    /// <summary>Gets or sets the prefix of every key the ledger writes.</summary>
    /// <value>
    /// Default <c>mixinv:</c>. A token's keys are the prefix, the 32 hexadecimal digits of the token id in braces (a hash
    /// tag), <c>:</c> and the bare channel JID — and the same followed by <c>:uses</c>. A channel's bearer-use
    /// reservations are <c>{prefix}bearer:{{channel hash}}</c> and the same followed by <c>:total</c>; the issuance
    /// limiter's counters are <c>{prefix}rl:{{partition}}:{window ms}:{window index}</c>.
    /// </value>
    /// <remarks>Give each deployment that shares a Redis database its own prefix. All nodes of one deployment must use the same one.</remarks>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets the Redis database number.</summary>
    /// <value>Default -1: the connection's default database.</value>
    public int Database { get; set; } = -1;
}
