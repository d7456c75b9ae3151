namespace Mix.Invitations;

/// <summary>
/// Counts issues against fixed-window rate limits: what the built-in rate rule asks before an invitation is issued.
/// In memory by default (on <c>System.Threading.RateLimiting</c>, one node); the Redis package gives every node the
/// same count.
/// </summary>
/// <remarks>
/// Partitions are opaque keys built by the rule; they hold no JID in clear (the built-in rule hashes them), so a store
/// that keeps them reveals nothing of who invited. Implementations are thread-safe, and report an unreachable store as
/// <see cref="InvitationLimitResult.Unavailable"/> rather than throwing, so that issuing fails closed.
/// </remarks>
public interface IInvitationIssuanceLimiter
{
    /// <summary>Takes one permit from a partition's current window, when one is left.</summary>
    /// <param name="partition">The partition: which inviter or channel is counted.</param>
    /// <param name="permitLimit">How many permits a window holds (at least 1).</param>
    /// <param name="window">How long a window lasts (more than zero).</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <returns>Acquired; exceeded, with the time until the window ends; or unavailable.</returns>
    ValueTask<InvitationLimitResult> TryAcquireAsync(string partition, int permitLimit, TimeSpan window, CancellationToken cancellationToken);
}
