namespace Mix.Invitations.Internal;

/// <summary>
/// The current <see cref="ServiceState"/>, read once per operation by the service. Whoever watches the options (the
/// dependency injection layer) replaces it; a service made with <see cref="InvitationService.Create"/> keeps its first.
/// </summary>
internal sealed class ServiceStateHolder(ServiceState initial)
{
    private volatile ServiceState _current = initial;

    public ServiceState Current => _current;

    public void Replace(ServiceState state) => _current = state;
}
