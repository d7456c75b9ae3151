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
    /// <summary>Far more than any invitation; the library's reader refuses more than 16 KiB anyway.</summary>
    private const int MaxInputChars = 1 << 20;

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
        var invitation = ReadInvitation(input, uri, environment);
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
        { IsUseLimited: false } => "  uses:     unlimited (redeemed through the Redis ledger: not revoked)",
        var claims when redeemed.IsRepeat => $"  uses:     {claims.MaxUses}; this joiner already holds one, given again (redeemed through the Redis ledger)",
        var claims => $"  uses:     {claims.MaxUses}; one was taken now (redeemed through the Redis ledger)",
    };

    private static int Report(bool isValid, InvitationFailureReason reason, InvitationClaims claims, InvitationStanzaError? stanzaError, Jid joiner, TextWriter output, string? usesLine)
    {
        if (isValid)
        {
            output.WriteLine($"valid: {joiner.Bare} may join {claims.Channel}");
            output.WriteLine($"  policy:   {claims.Policy}");
            output.WriteLine($"  key id:   {claims.KeyId}");
            output.WriteLine($"  issued:   {Inputs.Instant(claims.IssuedAt)}");
            output.WriteLine($"  expires:  {Inputs.Instant(claims.ExpiresAt)}");
            output.WriteLine(usesLine ?? (claims.IsUseLimited
                ? $"  uses:     {claims.MaxUses} (counted by the server's ledger when redeemed; verify records nothing)"
                : "  uses:     unlimited"));
            output.WriteLine($"  token id: {claims.TokenId}");
            return Program.Success;
        }

        output.WriteLine($"refused: {reason} ({stanzaError.GetValueOrDefault()})");
        output.WriteLine("the server would answer the <join/> with:");
        output.WriteLine(stanzaError.GetValueOrDefault().ToXElement().ToString());
        return Program.Refused;
    }

    private static Invitation ReadInvitation(string? input, string? uri, SampleEnvironment environment)
    {
        if (input is not null && uri is not null)
        {
            throw new UsageException("give the invitation once: as XML or with --uri, not both");
        }

        if (uri is not null)
        {
            if (!InvitationUri.TryParse(uri.Trim(), out var fromUri, out var uriError))
            {
                throw new UsageException($"--uri: not an invitation link: {uriError}");
            }

            return fromUri!;
        }

        if (input is null)
        {
            throw new UsageException("give the invitation: as XML, @path, - for standard input, or --uri");
        }

        var xml = input switch
        {
            "-" => ReadAll(environment.StandardInput(), "standard input"),
            ['@', .. var path] => ReadFile(path),
            _ => input,
        };

        var trimmed = xml.TrimStart();
        if (trimmed.StartsWith("xmpp:", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("that is a link, not XML: pass it with --uri");
        }

        if (!InvitationXml.TryRead<Invitation>(xml, out var invitation, out var xmlError))
        {
            throw new UsageException($"not an invitation: {xmlError}");
        }

        return invitation!;
    }

    private static string ReadFile(string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException("@ must be followed by a file name");
        }

        try
        {
            using var reader = new StreamReader(path);
            return ReadAll(reader, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {Program.OneLine(ex.Message)}", ex);
        }
    }

    private static string ReadAll(TextReader reader, string what)
    {
        var buffer = new char[MaxInputChars + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = reader.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }

        if (length > MaxInputChars)
        {
            throw new UsageException($"{what} holds more than {MaxInputChars} characters; an invitation is far smaller");
        }

        return new string(buffer, 0, length);
    }
}
