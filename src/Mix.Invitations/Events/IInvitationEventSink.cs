namespace Mix.Invitations;

/// <summary>
/// Receives the lifecycle events of invitations (issued, redeemed, refused, released, revoked, acknowledged). The
/// server implements it; several may be registered, and each receives every event.
/// </summary>
/// <remarks>
/// Events are delivered asynchronously, after the outcome is decided, from one background queue per
/// <c>InvitationService</c> or <c>InvitationRedeemer</c> (one shared queue with dependency injection).
/// A sink never changes an outcome and never delays an operation: an exception it throws, or a call that does not
/// complete within a few seconds (its <see cref="CancellationToken"/> is then cancelled), is logged (event 10,
/// <c>EventSinkFailed</c>) and the next event proceeds. When the queue is full, new events are dropped and logged
/// (event 11, <c>EventDropped</c>). Delivery is therefore at most once and best effort: do not use events for what
/// must not be lost (the ledger is the record of uses and revocations).
/// </remarks>
public interface IInvitationEventSink
{
    /// <summary>Handles one event.</summary>
    /// <param name="invitationEvent">The event; it never holds a token.</param>
    /// <param name="cancellationToken">Cancelled when the call takes too long or the queue is disposed.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    ValueTask OnEventAsync(InvitationEvent invitationEvent, CancellationToken cancellationToken);
}
