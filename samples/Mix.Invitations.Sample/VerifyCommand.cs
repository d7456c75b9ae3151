using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>verify</c>: checks an invitation as a MIX service would when it arrives in a <c>&lt;join/&gt;</c>: MAC, time window,
/// binding. Without Redis it is stateless: it records no use, so a use limit is shown but not enforced across runs. With
/// <c>--redis</c> it redeems, as a server's join does: through an <see cref="InvitationRedeemer"/> over the shared Redis
/// ledger, so a revoked invitation is refused as revoked and a use-limited one spends a use.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(SampleEnvironment environment)
    {
        var input = new Argument<string?>("invitation")
        {
            Description = "The <invitation/> XML (or a stanza or <join/> holding one), @path to read it from a file, or - to read standard input.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var uri = new Option<string?>("--uri") { Description = "The invitation as an xmpp: URI or https landing link instead of XML.", HelpName = "URI" };
        var joiner = new Option<string>("--joiner") { Description = "Who presents it: the JID the server stamped on the <join/>.", HelpName = "JID", Required = true };
        var channel = new Option<string>("--channel") { Description = "The channel the <join/> was addressed to (its 'to'): required, as a server always knows it.", HelpName = "JID", Required = true };
        var keyFile = SampleCommands.KeyFileOption();
        var redis = SampleRedis.Option();

        var command = new Command(
            "verify",
            "Check an invitation as a server would at join time. Exit code 0 valid, 1 refused, 2 usage or input error, 5 Redis unreachable. "
            + "Without --redis: stateless, nothing is recorded, so use limits are shown but not enforced across runs and revocations are not seen. "
            + "With --redis: redeemed through the shared ledger, as a server's join is: a revoked invitation is refused, and a use-limited one spends a use.")
        {
            input, uri, joiner, channel, keyFile, redis,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(input),
            parse.GetValue(uri),
            parse.GetRequiredValue(joiner),
            parse.GetRequiredValue(channel),
            parse.GetValue(keyFile),
            parse.GetValue(redis),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            environment,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? input, string? uri, string joinerText, string channelText, string? keyFile, string? redisOption, TextWriter output, TextWriter error, SampleEnvironment environment, CancellationToken cancellationToken)
    {
        var joiner = Inputs.Jid(joinerText, "--joiner");
        var channel = Inputs.Jid(channelText, "--channel");
        var invitation = InvitationInput.Read(input, uri, token: null, tokenChannel: null, acceptsToken: false, environment);
        var redisConfiguration = SampleRedis.Resolve(redisOption, environment);

        var key = SigningKey.Resolve(keyFile, environment, createKeyFile: false);
        error.WriteLine($"key {SigningKey.KeyId}: {key.Source}");
        var service = SampleServices.Create(key, environment.TimeProvider);
        var context = new InvitationContext { Channel = channel, Joiner = joiner };

        if (redisConfiguration is not null)
        {
            await using var redis = await SampleRedis.ConnectAsync(redisConfiguration, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            var redeemer = SampleServices.CreateRedeemer(service, redis.Ledger, redis.Inventory, environment.TimeProvider);
            var redeemed = await redeemer.RedeemAsync(invitation, context, cancellationToken).ConfigureAwait(false);
            if (redeemed.Reason == InvitationFailureReason.LedgerUnavailable)
            {
                throw new InvitationLedgerUnavailableException("the ledger could not be reached to redeem the invitation");
            }

            return Report(redeemed.IsValid, redeemed.Reason, redeemed.Claims, redeemed.IsValid ? null : redeemed.StanzaError, joiner, output, redeemed.IsValid ? Redeemed(redeemed) : null);
        }

        service.TryValidate(invitation, context, out var result);
        return Report(result.IsValid, result.Reason, result.Claims, result.IsValid ? null : result.StanzaError, joiner, output, null);
    }

    /// <summary>What the uses line says after a redemption through the Redis ledger.</summary>
    private static string Redeemed(InvitationRedemptionResult redeemed) => redeemed.Claims switch
    {
        { MaxUses: 0 } => "  uses:     unlimited (redeemed through the Redis ledger: not revoked)",
        var claims when redeemed.IsRepeat => $"  uses:     {claims.MaxUses}; this joiner already holds one, given again (redeemed through the Redis ledger)",
        var claims => $"  uses:     {claims.MaxUses}; one was taken now (redeemed through the Redis ledger)",
    };

    /// <summary>
    /// What only a token with grants or restrictions says: the grants in effect (after any narrowing dropped some), and for
    /// a narrowed copy how many restrictions it carries, its effective expiry, its invitee and its own use limits. Nothing
    /// for a plain token, so its report stays as it was.
    /// </summary>
    private static void WriteGrantsAndNarrowing(InvitationClaims claims, TextWriter output)
    {
        if (claims.Grants is { } grants)
        {
            output.WriteLine($"  grants:   {Grants.Describe(grants)}");
        }

        if (!claims.IsNarrowed)
        {
            return;
        }

        output.WriteLine($"  narrowed: {claims.RestrictionCount} restriction(s), added offline by a holder of the token; the chain verified");
        output.WriteLine(claims.EffectiveExpiresAt < claims.ExpiresAt
            ? $"  until:    {Inputs.Instant(claims.EffectiveExpiresAt)} (effective expiry: earlier than the original's)"
            : $"  until:    {Inputs.Instant(claims.EffectiveExpiresAt)} (effective expiry: the original's)");
        if (claims.IsInviteeRestricted)
        {
            output.WriteLine($"  only for: {claims.Invitee} (invitee restriction: nobody else may redeem this copy)");
        }

        foreach (var limit in claims.CopyLimits.Span)
        {
            output.WriteLine($"  copy:     at most {limit.MaxUses} use(s), each also counted against the original's{(claims.MaxUses > 0 ? $" {claims.MaxUses}" : string.Empty)}");
        }
    }

    private static int Report(bool isValid, InvitationFailureReason reason, InvitationClaims claims, InvitationStanzaError? stanzaError, Jid joiner, TextWriter output, string? usesLine)
    {
        if (isValid)
        {
            output.WriteLine($"valid: {joiner.Bare} may join {claims.Channel}");
            output.WriteLine($"  policy:   {claims.Policy}");
            output.WriteLine($"  key id:   {claims.KeyId}");
            output.WriteLine($"  issued:   {Inputs.Instant(claims.IssuedAt)}");
            output.WriteLine($"  expires:  {Inputs.Instant(claims.ExpiresAt)}");
            output.WriteLine(usesLine ?? (claims.MaxUses > 0
                ? $"  uses:     {claims.MaxUses} (counted by the server's ledger when redeemed; verify records nothing)"
                : "  uses:     unlimited"));
            output.WriteLine($"  token id: {claims.TokenId}");
            WriteGrantsAndNarrowing(claims, output);
            return Program.Success;
        }

        output.WriteLine($"refused: {reason} ({stanzaError.GetValueOrDefault()})");
        output.WriteLine("the server would answer the <join/> with:");
        output.WriteLine(stanzaError.GetValueOrDefault().ToXElement().ToString());
        return Program.Refused;
    }
}
