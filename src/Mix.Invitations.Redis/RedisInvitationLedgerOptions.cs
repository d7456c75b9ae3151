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
    /// Default <c>mixinv:</c>. With <c>C</c> = the prefix followed by the channel hash in braces (<c>{prefix}{{channel
    /// hash}}</c>, the hash tag that puts every key of a channel in one slot), a token's keys are <c>C:t:{token id}</c>
    /// (a hash) and <c>C:u:{token id}</c> (the set of its outstanding use ids), and the channel's bulk-revocation
    /// cut-offs are <c>C:cut</c> and <c>C:cut:{inviter hash}</c> (see <see cref="RedisInvitationLedger"/>). A channel's
    /// bearer-use reservations are <c>{prefix}bearer:{{channel hash}}</c> and the same followed by <c>:total</c>; the
    /// issuance limiter's counters are <c>{prefix}rl:{{partition}}:{window ms}:{window index}</c>.
    /// </value>
    /// <remarks>Give each deployment that shares a Redis database its own prefix. All nodes of one deployment must use the same one.</remarks>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets the Redis database number.</summary>
    /// <value>Default -1: the connection's default database.</value>
    public int Database { get; set; } = -1;

    /// <summary>The default of <see cref="ReplicaAcknowledgementTimeout"/>: 500 milliseconds.</summary>
    public static readonly TimeSpan DefaultReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <see cref="ReplicaAcknowledgementTimeout"/> accepted: one minute.</summary>
    public static readonly TimeSpan MaxReplicaAcknowledgementTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how many replicas must have a ledger write before the ledger answers with it: Redis's <c>WAIT</c>
    /// after each write that admits or revokes.
    /// </summary>
    /// <value>Default 0: do not wait (Redis replicates asynchronously). Must not be negative.</value>
    /// <remarks>
    /// <para>
    /// Redis acknowledges a write as soon as the primary has it; a failover that promotes a replica which had not got
    /// it yet loses it — so, without waiting, a single-use token whose use was lost can be admitted a second time.
    /// With 1 or more, the ledger sends <c>WAIT</c> right behind each script that wrote (pipelined on the same
    /// connection to the primary that owns the channel's slot, so it costs about the replica's round trip, not a second
    /// round trip of the client), and admits a use, a revocation, a bulk revocation, a release or a bearer-use
    /// reservation only when that many replicas acknowledged it within <see cref="ReplicaAcknowledgementTimeout"/>;
    /// otherwise the call fails closed as <see cref="InvitationLedgerUnavailableException"/> (the redeemer refuses with
    /// <see cref="InvitationFailureReason.LedgerUnavailable"/>; the same joiner's retry is answered the same use,
    /// acknowledged then). Refusals (revoked, exhausted) are answered without waiting for the acknowledgement — though
    /// the <c>WAIT</c>, sent before the answer is known, still occupies the connection until it returns. A retry that is
    /// answered the use its joiner already holds waits too, so it is never admitted on a use that a replica does not
    /// have.
    /// </para>
    /// <para>
    /// <c>WAIT</c> is not strong consistency: a failover that promotes a replica other than the ones that acknowledged
    /// can still lose the write. With one replica per primary (and <c>WAIT 1</c>) the only replica that can be promoted
    /// is the one that acknowledged. A primary with fewer replicas connected than asked refuses every write until they
    /// are back. The issuance limiter's rate counters do not wait.
    /// </para>
    /// </remarks>
    public int ReplicaAcknowledgements { get; set; }

    /// <summary>Gets or sets how long Redis waits for <see cref="ReplicaAcknowledgements"/> replicas to acknowledge a write.</summary>
    /// <value>
    /// Default 500 ms (<see cref="DefaultReplicaAcknowledgementTimeout"/>). Used only when
    /// <see cref="ReplicaAcknowledgements"/> is 1 or more; then it must be from 1 ms to one minute
    /// (<see cref="MaxReplicaAcknowledgementTimeout"/>), in whole milliseconds (rounded up).
    /// </value>
    /// <remarks>
    /// Keep it well under the connection's command timeout (<c>asyncTimeout</c>), or the client gives up first. While
    /// Redis waits, the connection to that primary carries nothing else (<c>WAIT</c> blocks the connection it came
    /// on), so a short timeout also bounds how long other redemptions queue behind a write whose replicas lag.
    /// </remarks>
    public TimeSpan ReplicaAcknowledgementTimeout { get; set; } = DefaultReplicaAcknowledgementTimeout;
}
