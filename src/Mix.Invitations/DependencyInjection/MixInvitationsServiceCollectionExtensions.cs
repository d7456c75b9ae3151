using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mix.Invitations;
using Mix.Invitations.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Mix.Invitations in a service collection.</summary>
/// <remarks>
/// <para>
/// Every overload funnels into one registration that uses <c>TryAdd*</c>, so calling it twice (for example from a
/// library and from the host) registers the services once. <see cref="TimeProvider"/> comes from the container when
/// registered there, else <see cref="TimeProvider.System"/>; metrics go through <see cref="IMeterFactory"/> when
/// registered. An <see cref="InvitationRedeemer"/> is registered with the <see cref="InMemoryInvitationLedger"/> as the
/// default <see cref="IInvitationLedger"/>; a shared ledger such as Redis (<c>AddRedisLedger</c> in
/// <c>Mix.Invitations.Redis</c>) replaces it.
/// </para>
/// <para>
/// Options are bound from configuration first; the <see cref="Action{T}"/> overloads apply after it, in the order they
/// were called, even when a section is passed after them. What is bound: the sections passed to the
/// <see cref="IConfiguration"/> overload (each once, however often it is passed), or else the <c>MixInvitations</c>
/// section of the root <see cref="IConfiguration"/>, when one is registered in the container by the time
/// <c>AddMixInvitations</c> is called (a host registers it before the application's services); never both. Binding
/// uses the standard <c>Bind</c>/<c>BindConfiguration</c> of <c>Microsoft.Extensions.Options.ConfigurationExtensions</c>,
/// source-generated, and reloads through <see cref="IOptionsMonitor{TOptions}"/>.
/// </para>
/// <para>
/// The options are validated when the host starts (<c>ValidateOnStart</c>) and on every reload; a reload that fails
/// validation leaves the running service on its previous key ring and is logged as event 6,
/// <c>KeyRingReloadFailed</c> (the options monitor also throws it on the thread that reloaded, and again on every read
/// until the next change). A configuration value of the wrong type fails naming the setting and the type, never the
/// value, at start-up and on reload.
/// </para>
/// </remarks>
public static class MixInvitationsServiceCollectionExtensions
{
    /// <summary>Registers the invitation services with options from the <c>MixInvitations</c> section of the <see cref="IConfiguration"/> registered in <paramref name="services"/>, if one is.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to chain further parts onto.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddMixInvitations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddCore(services);
    }

    /// <summary>Registers the invitation services and configures their options in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to chain further parts onto.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddMixInvitations(this IServiceCollection services, Action<MixInvitationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure); // after AddCore, so code overrides what configuration bound
        return builder;
    }

    /// <summary>Registers the invitation services with options bound from a configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind, typically <c>configuration.GetSection("MixInvitations")</c>; it replaces the root configuration's section, and a section of the same path is bound once. Changes to it are picked up without a restart.</param>
    /// <returns>A builder to chain further parts onto.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddMixInvitations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, configuration);
    }

    /// <summary>Registers a custom binding policy beside the built-in ones.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">The policy; its id must be 128–255 and its name unique.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddBindingPolicy(this IMixInvitationsBuilder builder, IInvitationBindingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        builder.Services.AddSingleton(policy); // not TryAddEnumerable: two instances of one policy type (say, two partner domains) are both wanted
        return builder;
    }

    /// <summary>Replaces the default channel key derivation with a provider of the server's own.</summary>
    /// <typeparam name="TProvider">The provider type, resolved from the container.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddChannelKeyProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProvider>(this IMixInvitationsBuilder builder)
        where TProvider : class, IChannelKeyProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IChannelKeyProvider, TProvider>());
        return builder;
    }

    /// <summary>Adds one of the server's own checks that every redemption runs before the ledger (for example: the inviter may still invite, the joiner is not banned).</summary>
    /// <typeparam name="TCheck">The check type, resolved from the container as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Checks run in registration order; adding the same type twice registers it once.</remarks>
    public static IMixInvitationsBuilder AddRedemptionCheck<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCheck>(this IMixInvitationsBuilder builder)
        where TCheck : class, IInvitationRedemptionCheck
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvitationRedemptionCheck, TCheck>());
        return builder;
    }

    /// <summary>
    /// Adds a sink of the invitations' lifecycle events (issued, redeemed, refused, released, revoked, acknowledged),
    /// delivered asynchronously; several may be added. See <see cref="IInvitationEventSink"/>.
    /// </summary>
    /// <typeparam name="TSink">The sink's type, created by the container as a singleton (once however often this is called).</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddEventSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(this IMixInvitationsBuilder builder)
        where TSink : class, IInvitationEventSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvitationEventSink, TSink>());
        return builder;
    }

    /// <summary>Adds an instance of a sink of the invitations' lifecycle events. See <see cref="IInvitationEventSink"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="sink">The sink.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddEventSink(this IMixInvitationsBuilder builder, IInvitationEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.Services.AddSingleton(sink);
        return builder;
    }

    /// <summary>
    /// Keeps an inventory of the issued invitations (<see cref="IInvitationInventory"/>): every issue records one, and
    /// operators can list a channel's invitations and revoke one by id (<see cref="InvitationRedeemer.RevokeByIdAsync"/>).
    /// The inventory is the registered ledger itself — the in-memory one, or Redis with <c>AddRedisLedger</c> — which
    /// knows each invitation's uses and revocations; without this call nothing of an issued invitation is stored.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>The registered <see cref="IInvitationLedger"/> must implement <see cref="IInvitationInventory"/>: when it does not, resolving the inventory throws <see cref="InvalidOperationException"/> naming its type. To keep an inventory elsewhere, register your own <see cref="IInvitationInventory"/> before calling <c>AddMixInvitations</c> (or instead of this).</remarks>
    public static IMixInvitationsBuilder AddInventory(this IMixInvitationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IInvitationInventory>(sp =>
        {
            var ledger = sp.GetService<IInvitationLedger>();
            return ledger as IInvitationInventory ?? throw new InvalidOperationException(
                $"AddInventory() keeps the inventory in the ledger, but the registered ledger ({ledger?.GetType().Name ?? "none"}) is not an IInvitationInventory: register the in-memory or Redis ledger, or your own IInvitationInventory.");
        });
        return builder;
    }

    /// <summary>Adds an instance of one of the server's own checks that every redemption runs before the ledger.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="check">The check; it must be thread-safe.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddRedemptionCheck(this IMixInvitationsBuilder builder, IInvitationRedemptionCheck check)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(check);
        builder.Services.AddSingleton(check);
        return builder;
    }

    /// <summary>Makes the in-memory ledger the redemption ledger, replacing any other (it is also the default).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="purgeInterval">How often expired entries are removed; <see langword="null"/> for one minute.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="purgeInterval"/> is not positive.</exception>
    /// <remarks>Right for one node only: nodes that each hold their own ledger count uses separately. Use a shared ledger (Redis) for several nodes.</remarks>
    public static IMixInvitationsBuilder AddInMemoryLedger(this IMixInvitationsBuilder builder, TimeSpan? purgeInterval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (purgeInterval is { } interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(purgeInterval));
        }

        builder.Services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(sp => new InMemoryInvitationLedger(sp.GetService<TimeProvider>(), purgeInterval)));
        return builder;
    }

    /// <summary>
    /// Adds the built-in issuance rules of <see cref="MixInvitationOptions.Issuance"/>: who may invite, what, how often
    /// and how much (see <see cref="InvitationIssuanceRules"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// The rules (rights, rates, outstanding bearer uses) are added as <see cref="IInvitationIssuancePolicy"/> services
    /// at the place of the call, so they run after the issuance policies added before it and before those added after;
    /// calling it twice adds them once. They read the options monitor's current value on every issue, so a reload
    /// changes a cap without a restart.
    /// </para>
    /// <para>
    /// The rates are counted by the registered <see cref="IInvitationIssuanceLimiter"/>; when none is, an
    /// <see cref="InMemoryIssuanceLimiter"/> on the container's <see cref="TimeProvider"/> (one node; the Redis package
    /// replaces it for several). The outstanding bearer uses are kept by the registered
    /// <see cref="IInvitationUseReservations"/>, else by the <see cref="IInvitationLedger"/> when it implements it. When
    /// <see cref="InvitationIssuanceOptions.MaxOutstandingBearerUses"/> is set (1,000 by default) and there is no such
    /// store, the host fails at start-up with a message naming <c>MixInvitations:Issuance:MaxOutstandingBearerUses</c>.
    /// </para>
    /// </remarks>
    public static IMixInvitationsBuilder AddIssuanceRules(this IMixInvitationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton<IInvitationIssuanceLimiter>(sp => new InMemoryIssuanceLimiter(sp.GetService<TimeProvider>()));

        // One instance per concrete rule type, so TryAddEnumerable adds each once however often this is called.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvitationIssuancePolicy, IssuanceRightsRule>(
            sp => new IssuanceRightsRule(IssuanceOptions(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvitationIssuancePolicy, IssuanceRateRule>(
            sp => new IssuanceRateRule(IssuanceOptions(sp), sp.GetRequiredService<IInvitationIssuanceLimiter>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInvitationIssuancePolicy, OutstandingBearerUsesRule>(
            sp => new OutstandingBearerUsesRule(IssuanceOptions(sp), UseReservations(sp))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MixInvitationOptions>, IssuanceReservationsValidator>(
            sp => new IssuanceReservationsValidator(() => UseReservations(sp) is not null)));
        return builder;
    }

    private static Func<InvitationIssuanceOptions> IssuanceOptions(IServiceProvider services)
    {
        var monitor = services.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>();
        return () => monitor.CurrentValue.Issuance;
    }

    private static IInvitationUseReservations? UseReservations(IServiceProvider services) =>
        services.GetService<IInvitationUseReservations>() ?? services.GetService<IInvitationLedger>() as IInvitationUseReservations;

    private static MixInvitationsBuilder AddCore(IServiceCollection services, IConfiguration? section = null)
    {
        services.AddOptions<MixInvitationOptions>().ValidateOnStart();
        ConfigurationBinding.In(services).Add(services, section);

        // TryAdd*: a second call adds nothing, so each rule runs once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MixInvitationOptions>, MixInvitationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MixInvitationOptions>, MixInvitationOptionsCrossFieldValidator>(
            sp => new MixInvitationOptionsCrossFieldValidator(sp.GetService<TimeProvider>(), sp.GetServices<IInvitationBindingPolicy>())));

        // The standard factory, redacting binder errors and logging a failed reload (event 6); transient like the
        // standard one, so the options monitor holds its own instance.
        services.TryAddTransient<IOptionsFactory<MixInvitationOptions>>(sp => new MixInvitationOptionsFactory(
            new OptionsFactory<MixInvitationOptions>(
                sp.GetServices<IConfigureOptions<MixInvitationOptions>>(),
                sp.GetServices<IPostConfigureOptions<MixInvitationOptions>>(),
                sp.GetServices<IValidateOptions<MixInvitationOptions>>()),
            sp.GetRequiredService<InvitationTelemetry>()));

        services.TryAddSingleton(sp => new InvitationTelemetry(sp.GetService<IMeterFactory>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp => new OptionsReloader(
            sp.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>(),
            PolicyRegistry.Create(sp.GetServices<IInvitationBindingPolicy>()),
            sp.GetService<IChannelKeyProvider>(),
            sp.GetRequiredService<InvitationTelemetry>()));
        services.TryAddSingleton(sp => new InvitationService(
            sp.GetRequiredService<OptionsReloader>().State,
            sp.GetService<TimeProvider>(),
            sp.GetRequiredService<InvitationTelemetry>(),
            sp.GetServices<IInvitationIssuancePolicy>(),
            sp.GetRequiredService<InvitationEventsRegistration>().Dispatcher,
            sp.GetService<IInvitationInventory>()));
        services.TryAddSingleton(sp => new InvitationEventsRegistration(
            InvitationEventDispatcher.Create(sp.GetServices<IInvitationEventSink>(), sp.GetRequiredService<InvitationTelemetry>())));
        services.TryAddSingleton<IInvitationIssuer>(sp => sp.GetRequiredService<InvitationService>());
        services.TryAddSingleton<IInvitationValidator>(sp => sp.GetRequiredService<InvitationService>());

        // The in-memory ledger is the default: right for one node; several nodes replace it (AddRedisLedger).
        services.TryAddSingleton<IInvitationLedger>(sp => new InMemoryInvitationLedger(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>();
            return new InvitationRedeemer(
                sp.GetRequiredService<IInvitationValidator>(),
                sp.GetService<IInvitationLedger>(),
                sp.GetServices<IInvitationRedemptionCheck>(),
                sp.GetRequiredService<InvitationTelemetry>(),
                () => options.CurrentValue,
                sp.GetService<TimeProvider>(),
                sp.GetRequiredService<InvitationEventsRegistration>().Dispatcher,
                sp.GetService<IInvitationInventory>());
        });
        return new MixInvitationsBuilder(services);
    }

    private sealed class MixInvitationsBuilder(IServiceCollection services) : IMixInvitationsBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    /// <summary>
    /// What <c>AddMixInvitations</c> binds from configuration, kept in the service collection (as a marker registration)
    /// so that every later call sees it. The sections passed to the <see cref="IConfiguration"/> overload win over the
    /// root configuration's <c>MixInvitations</c> section, never both, and each section is bound once: binding a
    /// section twice, or a section and the root section it is, would add every key to the ring twice.
    /// </summary>
    /// <remarks>
    /// Binding is registered with the standard <c>BindConfiguration</c> and <c>Bind</c> (intercepted by the
    /// configuration binding source generator), which also register the change token source the options monitor
    /// reloads from. Those calls append to the collection; what they added is moved to one place, right after the
    /// marker and the binding registered before, so binding runs before every <see cref="Action{T}"/> the overloads
    /// registered — code overrides configuration whatever order the overloads were called in.
    /// </remarks>
    private sealed class ConfigurationBinding
    {
        private readonly ServiceDescriptor _marker;
        private readonly List<IConfiguration> _sections = [];
        private readonly List<ServiceDescriptor> _registered = [];
        private bool _rootBound;

        private ConfigurationBinding() => _marker = ServiceDescriptor.Singleton(this);

        /// <summary>Gets the binding registered in a collection, adding it on the first call.</summary>
        public static ConfigurationBinding In(IServiceCollection services)
        {
            foreach (var descriptor in services)
            {
                if (descriptor.ServiceType == typeof(ConfigurationBinding) && descriptor.ImplementationInstance is ConfigurationBinding existing)
                {
                    return existing;
                }
            }

            var binding = new ConfigurationBinding();
            services.Add(binding._marker);
            return binding;
        }

        /// <summary>Binds a section passed by the caller, or, for <see langword="null"/>, the root configuration's section when nothing else is bound.</summary>
        public void Add(IServiceCollection services, IConfiguration? section)
        {
            if (section is null)
            {
                // BindConfiguration resolves the root configuration from the container, so it is bound only when one
                // is registered (a host registers it before the application's services).
                if (_sections.Count == 0 && !_rootBound && services.Any(d => d.ServiceType == typeof(IConfiguration) && !d.IsKeyedService))
                {
                    Register(services, options => options.BindConfiguration(MixInvitationOptions.SectionName), watch: true);
                    _rootBound = true;
                }

                return;
            }

            if (_sections.Exists(bound => IsSame(bound, section)))
            {
                return;
            }

            if (_rootBound)
            {
                foreach (var descriptor in _registered)
                {
                    services.Remove(descriptor);
                }

                _registered.Clear();
                _rootBound = false;
            }

            // Sections of one configuration share its reload token: one change source for them all, or the monitor
            // would rebuild the options (and log the reload) once per section on every reload.
            var reloadToken = section.GetReloadToken();
            Register(services, options => options.Bind(section), watch: !_sections.Exists(bound => ReferenceEquals(bound.GetReloadToken(), reloadToken)));
            _sections.Add(section);
        }

        /// <summary>
        /// The same object, or a section of the same path (<c>GetSection</c> returns a new object each call).
        /// </summary>
        private static bool IsSame(IConfiguration bound, IConfiguration other) =>
            ReferenceEquals(bound, other)
            || (bound is IConfigurationSection mine && other is IConfigurationSection theirs && string.Equals(mine.Path, theirs.Path, StringComparison.OrdinalIgnoreCase));

        /// <summary>Runs a standard binding call and moves what it registered to the binding's place in the collection.</summary>
        /// <param name="services">The collection.</param>
        /// <param name="bind">The standard binding call.</param>
        /// <param name="watch">Whether to keep the change source it registered (<see langword="false"/> when another binding's source already watches the same reload token).</param>
        private void Register(IServiceCollection services, Action<OptionsBuilder<MixInvitationOptions>> bind, bool watch)
        {
            var start = services.Count;
            bind(new OptionsBuilder<MixInvitationOptions>(services, Options.Options.DefaultName));

            var added = new ServiceDescriptor[services.Count - start];
            for (var i = added.Length - 1; i >= 0; i--)
            {
                added[i] = services[start + i];
                services.RemoveAt(start + i);
            }

            var at = services.IndexOf(_registered.Count == 0 ? _marker : _registered[^1]) + 1;
            foreach (var descriptor in added)
            {
                if (!watch && descriptor.ServiceType == typeof(IOptionsChangeTokenSource<MixInvitationOptions>))
                {
                    continue;
                }

                services.Insert(at++, descriptor);
                _registered.Add(descriptor);
            }
        }
    }
}
