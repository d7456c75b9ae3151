namespace Mix.Invitations.Internal;

/// <summary>The one event dispatcher the container shares between the service and the redeemer, and disposes with it.</summary>
internal sealed class InvitationEventsRegistration(InvitationEventDispatcher? dispatcher) : IDisposable
{
    /// <summary>Gets the dispatcher, or <see langword="null"/> when no sink is registered.</summary>
    public InvitationEventDispatcher? Dispatcher { get; } = dispatcher;

    /// <inheritdoc />
    public void Dispose() => Dispatcher?.Dispose();
}
