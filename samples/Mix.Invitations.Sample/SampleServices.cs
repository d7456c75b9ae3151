namespace Mix.Invitations.Sample;

/// <summary>Builds the library's service from the sample's key, without dependency injection.</summary>
internal static class SampleServices
{
    public static InvitationService Create(SigningKey key, TimeProvider time)
    {
        var options = Options(key);
        return InvitationService.Create(options, time);
    }

    /// <summary>
    /// An issuer, with the library's built-in issuance rules when <paramref name="withRules"/> (their defaults: owners
    /// and administrators exempt, participants where the channel allows, anyone else refused), over stores that live
    /// as long as this one command.
    /// </summary>
    public static SampleIssuer CreateIssuer(SigningKey key, TimeProvider time, bool withRules)
    {
        var options = Options(key);
        if (!withRules)
        {
            return new SampleIssuer(InvitationService.Create(options, time), null, null);
        }

        var limiter = new InMemoryIssuanceLimiter(time);
        var ledger = new InMemoryInvitationLedger(time);

        // The cap on a channel's outstanding bearer uses needs a ledger that keeps use reservations; where the
        // in-memory ledger does not (yet), the cap is off rather than the command failing.
        var reservations = (object)ledger as IInvitationUseReservations;
        if (reservations is null)
        {
            options.Issuance.MaxOutstandingBearerUses = null;
        }

        var rules = InvitationIssuanceRules.Create(options, limiter, reservations);
        return new SampleIssuer(InvitationService.Create(options, time, issuancePolicies: rules), limiter, ledger);
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
