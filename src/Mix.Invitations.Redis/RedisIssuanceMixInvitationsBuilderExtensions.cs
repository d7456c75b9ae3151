using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mix.Invitations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis issuance limiter.</summary>
public static class RedisIssuanceMixInvitationsBuilderExtensions
{
    /// <summary>
    /// Makes Redis count the issuance rate limits, replacing any other <see cref="IInvitationIssuanceLimiter"/>, so every
    /// node shares one count: on the Redis connection, key prefix and database of the ledger (<c>AddRedisLedger</c>).
    /// </summary>
    /// <param name="builder">The builder from <c>AddMixInvitations</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Call <c>AddRedisLedger</c> too (or the overload that configures <see cref="RedisInvitationLedgerOptions"/>): the
    /// limiter and the ledger share one connection, made on first use and disposed with the container. Without a
    /// connection configured, resolving the limiter throws <see cref="ArgumentException"/>. The built-in rate rules
    /// (<c>AddIssuanceRules</c>) ask the registered limiter.
    /// </remarks>
    public static IMixInvitationsBuilder AddRedisIssuanceLimiter(this IMixInvitationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RedisInvitationLedgerOptions>();
        RedisLedgerMixInvitationsBuilderExtensions.AddSharedConnector(builder.Services);
        builder.Services.RemoveAll<IInvitationIssuanceLimiter>();
        builder.Services.AddSingleton<IInvitationIssuanceLimiter>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisInvitationLedgerOptions>>().Value;
            return new RedisIssuanceLimiter(sp.GetRequiredService<RedisConnector>(), options.KeyPrefix, options.Database, sp.GetService<TimeProvider>());
        });
        return builder;
    }

    /// <summary>
    /// Makes Redis count the issuance rate limits, replacing any other <see cref="IInvitationIssuanceLimiter"/>, and
    /// configures the Redis options it shares with the ledger.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMixInvitations</c>.</param>
    /// <param name="configure">Sets the connection (<see cref="RedisInvitationLedgerOptions.Configuration"/> or <see cref="RedisInvitationLedgerOptions.ConnectionMultiplexerFactory"/>) and the key prefix — the same options <c>AddRedisLedger</c> configures.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">Thrown when an argument is <see langword="null"/>.</exception>
    public static IMixInvitationsBuilder AddRedisIssuanceLimiter(this IMixInvitationsBuilder builder, Action<RedisInvitationLedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddRedisIssuanceLimiter();
    }
}
