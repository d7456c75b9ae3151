using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>
/// Keeps the service's state in step with the options monitor: each change of the default options builds a new
/// <see cref="ServiceState"/> (key ring, policy switches, limits, key cache) and swaps it in whole.
/// </summary>
/// <remarks>
/// A change that does not build a valid state is logged (event 6, <c>KeyRingReloadFailed</c>) and ignored, so the
/// service keeps serving with the previous configuration rather than fail every join. A change the validators refuse
/// never reaches here: the monitor throws before its listeners run, and <see cref="MixInvitationOptionsFactory"/> logs
/// it. A singleton of the container, which disposes it (and with it the subscription) at shutdown.
/// </remarks>
internal sealed class OptionsReloader : IDisposable
{
    private readonly PolicyRegistry _policies;
    private readonly IChannelKeyProvider? _keyProvider;
    private readonly InvitationTelemetry _telemetry;
    private readonly IDisposable? _subscription;

    /// <exception cref="InvalidOperationException">Thrown when the current options do not build a valid state.</exception>
    public OptionsReloader(IOptionsMonitor<MixInvitationOptions> options, PolicyRegistry policies, IChannelKeyProvider? keyProvider, InvitationTelemetry telemetry)
    {
        _policies = policies;
        _keyProvider = keyProvider;
        _telemetry = telemetry;
        State = new ServiceStateHolder(ServiceState.Create(options.CurrentValue, policies, keyProvider));
        _subscription = options.OnChange(OnChanged);
    }

    /// <summary>Gets the state the service reads.</summary>
    public ServiceStateHolder State { get; }

    public void Dispose() => _subscription?.Dispose();

    private void OnChanged(MixInvitationOptions options, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return; // a named instance the service does not use
        }

        try
        {
            State.Replace(ServiceState.Create(options, _policies, _keyProvider));
            _telemetry.KeyRingReloaded(State.Current.Ring.All.Count);
        }
        catch (InvalidOperationException ex)
        {
            _telemetry.KeyRingReloadFailed(ex.Message);
        }
    }
}
