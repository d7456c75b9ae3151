using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
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
/// Options are bound from configuration first (the sections passed to the <see cref="IConfiguration"/> overload, or
/// else the <c>MixInvitations</c> section of the registered root configuration), then the
/// <see cref="Action{T}"/> overloads apply in the order they were called. They are validated when the host starts
/// (<c>ValidateOnStart</c>) and on every reload; a reload that fails validation leaves the running service on its
/// previous key ring and is logged as event 6, <c>KeyRingReloadFailed</c> (the options monitor also throws it on the
/// thread that reloaded).
/// </para>
/// </remarks>
public static class MixInvitationsServiceCollectionExtensions
{
    /// <summary>Registers the invitation services with options from the <c>MixInvitations</c> section of the registered <see cref="IConfiguration"/>, if any.</summary>
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
    /// <param name="configuration">The section to bind, typically <c>configuration.GetSection("MixInvitations")</c>. Changes to it are picked up without a restart.</param>
    /// <returns>A builder to chain further parts onto.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddMixInvitations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!services.Any(d => d.ServiceType == typeof(ConfigurationSource) && d.ImplementationInstance is ConfigurationSource source && source.IsSameAs(configuration)))
        {
            services.AddSingleton(new ConfigurationSource(configuration));
        }

        return AddCore(services);
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

    private static MixInvitationsBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<MixInvitationOptions>().ValidateOnStart();

        // TryAddEnumerable: a second call adds nothing, so sections are bound once and each rule runs once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MixInvitationOptions>, BindConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<MixInvitationOptions>, ConfigurationChangeTokenSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MixInvitationOptions>, MixInvitationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MixInvitationOptions>, MixInvitationOptionsCrossFieldValidator>(
            sp => new MixInvitationOptionsCrossFieldValidator(sp.GetService<TimeProvider>(), sp.GetServices<IInvitationBindingPolicy>())));

        services.TryAddSingleton(sp => new InvitationTelemetry(sp.GetService<IMeterFactory>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp =>
        {
            var service = new InvitationService(
                sp.GetRequiredService<IOptionsMonitor<MixInvitationOptions>>(),
                sp.GetService<TimeProvider>(),
                sp.GetServices<IInvitationBindingPolicy>(),
                sp.GetService<IChannelKeyProvider>(),
                sp.GetRequiredService<InvitationTelemetry>());
            service.WatchReloadFailures(
                sp.GetServices<IOptionsChangeTokenSource<MixInvitationOptions>>(),
                sp.GetRequiredService<IOptionsFactory<MixInvitationOptions>>());
            return service;
        });
        services.TryAddSingleton<IInvitationIssuer>(sp => sp.GetRequiredService<InvitationService>());
        services.TryAddSingleton<IInvitationValidator>(sp => sp.GetRequiredService<InvitationService>());

        // The in-memory ledger is the default: right for one node; several nodes replace it (AddRedisLedger).
        services.TryAddSingleton<IInvitationLedger>(sp => new InMemoryInvitationLedger(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new InvitationRedeemer(
            sp.GetRequiredService<InvitationService>(),
            sp.GetService<IInvitationLedger>(),
            sp.GetServices<IInvitationRedemptionCheck>(),
            sp.GetRequiredService<InvitationTelemetry>()));
        return new MixInvitationsBuilder(services);
    }

    private sealed class MixInvitationsBuilder(IServiceCollection services) : IMixInvitationsBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    /// <summary>A configuration section passed to <c>AddMixInvitations(IConfiguration)</c>.</summary>
    private sealed class ConfigurationSource(IConfiguration configuration)
    {
        public IConfiguration Configuration { get; } = configuration;

        /// <summary>
        /// The same object, or a section of the same path (<c>GetSection</c> returns a new object each call): binding a
        /// section twice would add its keys to the ring twice.
        /// </summary>
        public bool IsSameAs(IConfiguration other) =>
            ReferenceEquals(Configuration, other)
            || (Configuration is IConfigurationSection mine && other is IConfigurationSection theirs && string.Equals(mine.Path, theirs.Path, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Binds the sections passed to <c>AddMixInvitations(IConfiguration)</c>; when none was, the <c>MixInvitations</c>
    /// section of the container's <see cref="IConfiguration"/>, if there is one. Never both: a host registers its
    /// root configuration, and binding the same section twice would add every key twice.
    /// </summary>
    private sealed class BindConfiguration(IEnumerable<ConfigurationSource> sources, IConfiguration? root = null) : IConfigureOptions<MixInvitationOptions>
    {
        public void Configure(MixInvitationOptions options)
        {
            var any = false;
            foreach (var source in sources)
            {
                BindRedacted(source.Configuration, options);
                any = true;
            }

            if (!any && root?.GetSection(MixInvitationOptions.SectionName) is { } section && section.Exists())
            {
                BindRedacted(section, options);
            }
        }

        /// <summary>
        /// Binds, and turns a value the binder cannot convert into an error that names the setting and the type it
        /// needs but never the value: the binder quotes the value whole (and its inner exception quotes it again), and
        /// a secret pasted into the wrong field — <c>Keys:0:Id</c> instead of <c>Keys:0:Secret</c> — would otherwise
        /// reach the start-up crash report and the reload log.
        /// </summary>
        private static void BindRedacted(IConfiguration configuration, MixInvitationOptions options)
        {
            try
            {
                configuration.Bind(options);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException(ConfigurationBindingError.Describe(ex.Message));
            }
        }
    }

    /// <summary>Tells the options monitor when whatever <see cref="BindConfiguration"/> reads has reloaded.</summary>
    private sealed class ConfigurationChangeTokenSource(IEnumerable<ConfigurationSource> sources, IConfiguration? root = null) : IOptionsChangeTokenSource<MixInvitationOptions>
    {
        private readonly IConfiguration[] _watched = sources.Any() ? [.. sources.Select(s => s.Configuration)] : root is null ? [] : [root];

        public string Name => Options.Options.DefaultName;

        public IChangeToken GetChangeToken() => _watched.Length switch
        {
            0 => new CancellationChangeToken(CancellationToken.None), // nothing to watch: never changes
            1 => _watched[0].GetReloadToken(),
            _ => new CompositeChangeToken([.. _watched.Select(c => c.GetReloadToken())]),
        };
    }
}
