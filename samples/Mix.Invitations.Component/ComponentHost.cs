namespace Mix.Invitations.Component;

/// <summary>Wires the options, the MIX service and one component connection together.</summary>
internal sealed class ComponentHost
{
    private readonly ComponentOptions _options;
    private readonly TextWriter? _log;

    private ComponentHost(ComponentOptions options, MixService service, TextWriter? log)
    {
        _options = options;
        Service = service;
        _log = log;
    }

    /// <summary>Gets the MIX service (channels and invitations).</summary>
    public MixService Service { get; }

    /// <summary>Builds the host: the invitation service, the configured channels.</summary>
    /// <param name="options">The component options.</param>
    /// <param name="timeProvider">The clock of the invitation service.</param>
    /// <param name="log">Where progress lines go, or null.</param>
    /// <returns>The host, not yet connected.</returns>
    public static ComponentHost Create(ComponentOptions options, TimeProvider timeProvider, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        var invitationOptions = options.ToInvitationOptions(out var generated);
        if (generated)
        {
            log?.WriteLine("component: no --key given; generated one, so invitations will not survive a restart");
        }

        var service = MixService.Create(options.Domain, invitationOptions, timeProvider, log, options.LandingPage);
        foreach (var (channel, owner) in options.Owners)
        {
            service.AddChannel(channel, Jid.Parse(owner));
        }

        return new ComponentHost(options, service, log);
    }

    /// <summary>Connects and serves until the stream ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the component.</param>
    /// <returns>A task that completes when the component stopped.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connection = await ComponentConnection.ConnectAsync(_options, _log, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.RunAsync(Service.HandleAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Connects (the returned task completes once the handshake succeeded) and serves in the background.</summary>
    /// <param name="cancellationToken">Stops the component.</param>
    /// <returns>The connected component; its <see cref="RunningComponent.Completion"/> ends when it stops.</returns>
    public async Task<RunningComponent> StartAsync(CancellationToken cancellationToken)
    {
        var connection = await ComponentConnection.ConnectAsync(_options, _log, cancellationToken).ConfigureAwait(false);
        var completion = Task.Run(
            async () =>
            {
                await using (connection.ConfigureAwait(false))
                {
                    await connection.RunAsync(Service.HandleAsync, cancellationToken).ConfigureAwait(false);
                }
            },
            CancellationToken.None);
        return new RunningComponent(completion);
    }
}

/// <summary>A component serving in the background.</summary>
/// <param name="Completion">Completes when the component stops; faults with the reason when it failed.</param>
internal sealed record RunningComponent(Task Completion);
