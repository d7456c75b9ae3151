namespace Mix.Invitations.Sample;

/// <summary>Builds the library's service from the sample's key, without dependency injection.</summary>
internal static class SampleServices
{
    /// <summary>A service that issues and validates with the sample's key, recording what it issues into <paramref name="inventory"/> when given.</summary>
    public static InvitationService Create(SigningKey key, TimeProvider time, IInvitationInventory? inventory = null) =>
        InvitationService.Create(Options(key), time, inventory: inventory);

    /// <summary>A redeemer over the ledger (and the inventory it revokes by id in), with the service's own options.</summary>
    public static InvitationRedeemer CreateRedeemer(InvitationService service, IInvitationLedger ledger, IInvitationInventory? inventory, TimeProvider time) =>
        new(service, ledger, options: new MixInvitationOptions(), timeProvider: time, inventory: inventory);

    /// <summary>
    /// An issuer, with the library's built-in issuance rules when <paramref name="withRules"/> (their defaults: owners
    /// and administrators exempt, participants where the channel allows, anyone else refused), over stores that live
    /// as long as this one command — or, with <paramref name="redis"/>, recording into its inventory and reserving bearer
    /// uses in its ledger, which every run shares (the rate limits are still counted per run).
    /// </summary>
    public static SampleIssuer CreateIssuer(SigningKey key, TimeProvider time, bool withRules, SampleRedis? redis = null)
    {
        var options = Options(key);
        if (!withRules)
        {
            return new SampleIssuer(InvitationService.Create(options, time, inventory: redis?.Inventory), null, null);
        }

        var limiter = new InMemoryIssuanceLimiter(time);
        var ledger = redis is null ? new InMemoryInvitationLedger(time) : null;

        // The cap on a channel's outstanding bearer uses needs a ledger that keeps use reservations; where the
        // in-memory ledger does not (yet), the cap is off rather than the command failing.
        var reservations = redis is not null ? redis.Ledger : (object?)ledger as IInvitationUseReservations;
        if (reservations is null)
        {
            options.Issuance.MaxOutstandingBearerUses = null;
        }

        var rules = InvitationIssuanceRules.Create(options, limiter, reservations);
        return new SampleIssuer(InvitationService.Create(options, time, issuancePolicies: rules, inventory: redis?.Inventory), limiter, ledger);
    }

    private static MixInvitationOptions Options(SigningKey key)
    {
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions { Id = SigningKey.KeyId, Secret = key.SecretBase64 });
        return options;
    }
}

/// <summary>An issuer and the in-memory stores its rules count in, released together.</summary>
internal sealed class SampleIssuer(InvitationService issuer, IDisposable? limiter, IDisposable? ledger) : IDisposable
{
    public InvitationService Issuer { get; } = issuer;

    public void Dispose()
    {
        limiter?.Dispose();
        ledger?.Dispose();
    }
}
