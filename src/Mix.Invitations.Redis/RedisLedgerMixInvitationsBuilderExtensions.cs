using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mix.Invitations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis redemption ledger.</summary>
public static class RedisLedgerMixInvitationsBuilderExtensions
{
    /// <summary>Makes Redis the redemption ledger, replacing the default in-memory one, so every node shares single use, use limits and revocation.</summary>
    /// <param name="builder">The builder from <c>AddMixInvitations</c>.</param>
    /// <param name="configure">Sets the connection (<see cref="RedisInvitationLedgerOptions.Configuration"/> or <see cref="RedisInvitationLedgerOptions.ConnectionMultiplexerFactory"/>) and the key prefix.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    /// <remarks>
    /// The ledger connects on first use; an options mistake (no connection configured) surfaces when the ledger is first
    /// resolved. It is also the store of the outstanding bearer-uses cap (<see cref="IInvitationUseReservations"/>), and
    /// it shares its connection with the Redis issuance limiter (<c>AddRedisIssuanceLimiter</c>): one connection per
    /// container, disposed with it.
    /// </remarks>
    public static IMixInvitationsBuilder AddRedisLedger(this IMixInvitationsBuilder builder, Action<RedisInvitationLedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        AddSharedConnector(builder.Services);
        builder.Services.Replace(ServiceDescriptor.Singleton<IInvitationLedger>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisInvitationLedgerOptions>>().Value;
            return new RedisInvitationLedger(sp.GetRequiredService<RedisConnector>(), options, sp.GetService<TimeProvider>());
        }));
        return builder;
    }

    /// <summary>Makes Redis the redemption ledger, connecting with a StackExchange.Redis configuration string.</summary>
    /// <param name="builder">The builder from <c>AddMixInvitations</c>.</param>
    /// <param name="configuration">The configuration string, for example <c>localhost:6379,abortConnect=false</c>.</param>
    /// <param name="keyPrefix">The key prefix; <see langword="null"/> for <c>mixinv:</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="configuration"/> is empty.</exception>
    public static IMixInvitationsBuilder AddRedisLedger(this IMixInvitationsBuilder builder, string configuration, string? keyPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedisLedger(options =>
        {
            options.Configuration = configuration;
            options.KeyPrefix = keyPrefix ?? RedisInvitationLedgerOptions.DefaultKeyPrefix;
        });
    }

    /// <summary>
    /// Registers, once, the connection every Redis store of the container shares: made on first use from
    /// <see cref="RedisInvitationLedgerOptions"/>, disposed with the container (when the options' factory supplied it,
    /// the application disposes it).
    /// </summary>
    internal static void AddSharedConnector(IServiceCollection services) =>
        services.TryAddSingleton(sp => RedisConnector.FromOptions(sp.GetRequiredService<IOptions<RedisInvitationLedgerOptions>>().Value, "options"));
}
