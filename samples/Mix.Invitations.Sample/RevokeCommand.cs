using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>revoke</c>: one invitation by its id (<c>revoke ID --channel C</c>, the id <c>list</c> and <c>issue --redis</c>
/// print), or in bulk every invitation of a channel — or of one inviter in it — issued before an instant
/// (<c>revoke --channel C [--inviter J] [--before T]</c>). Revocations are kept by the shared Redis ledger, so every
/// later redemption, in any process, is refused as revoked.
/// </summary>
internal static class RevokeCommand
{
    public static Command Create(SampleEnvironment environment)
    {
        var id = new Argument<string?>("id")
        {
            Description = "The invitation's id (32 hexadecimal digits, as list prints it): revoke that one. Without it, revoke in bulk.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var channel = new Option<string?>("--channel") { Description = "The channel: the one the id belongs to, or whose invitations are revoked in bulk.", HelpName = "JID" };
        var inviter = new Option<string?>("--inviter") { Description = "Bulk: only the invitations whose token binds this inviter (an unbound invitation binds none: revoke it by id).", HelpName = "JID" };
        var before = new Option<string?>("--before") { Description = "Bulk: revoke those issued before this ISO 8601 instant, e.g. 2026-03-14T15:09:26Z (default: now; not in the future).", HelpName = "instant" };
        var redis = SampleRedis.Option();

        var command = new Command(
            "revoke",
            $"Revoke one invitation by id (revoke ID --channel C), or in bulk (revoke --channel C [--inviter J] [--before T]). Needs --redis. Exit codes: {Program.Success} revoked, {Program.UsageError} bad input, {Program.NotFound} no such invitation, {Program.RedisUnavailable} Redis unreachable.")
        {
            id, channel, inviter, before, redis,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new RevokeRequest(parse.GetValue(id), parse.GetValue(channel), parse.GetValue(inviter), parse.GetValue(before), parse.GetValue(redis)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            environment,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(RevokeRequest args, TextWriter output, TextWriter error, SampleEnvironment environment, CancellationToken cancellationToken)
    {
        // Which form, before anything is parsed or touched.
        if (args.Id is not null && (args.Inviter is not null || args.Before is not null))
        {
            throw new UsageException("revoke ID revokes that one invitation: --inviter and --before belong to the bulk form (revoke --channel C [--inviter J] [--before T]), without an id");
        }

        if (args.Channel is null)
        {
            throw new UsageException(args.Id is null
                ? "give what to revoke: an id with its channel (revoke ID --channel C), or a channel to revoke in bulk (revoke --channel C [--inviter J] [--before T])"
                : "--channel: revoke ID needs the channel the invitation belongs to (list --channel C shows the ids)");
        }

        var channel = Inputs.Jid(args.Channel, "--channel");
        InvitationTokenId tokenId = default;
        if (args.Id is not null && !InvitationTokenId.TryParse(args.Id.Trim(), out tokenId))
        {
            throw new UsageException($"'{args.Id}' is not an invitation id; an id is 32 hexadecimal digits, as list and issue --redis print it (not the token)");
        }

        var inviter = Inputs.OptionalJid(args.Inviter, "--inviter");
        var now = environment.TimeProvider.GetUtcNow();
        var before = Inputs.OptionalInstant(args.Before, "--before");
        if (before > now)
        {
            throw new UsageException($"--before: {Inputs.Instant(before.Value)} is in the future; a cut-off would also revoke invitations not issued yet — give an instant up to now");
        }

        var configuration = SampleRedis.Resolve(args.Redis, environment) ?? throw SampleRedis.Required("revoke");
        await using var redis = await SampleRedis.ConnectAsync(configuration, environment.TimeProvider, cancellationToken).ConfigureAwait(false);

        // Revoking needs no key: by id the inventory gives the retention, in bulk the ledger keeps a cut-off instant.
        var redeemer = new InvitationRedeemer(new KeylessValidator(), redis.Ledger, options: new MixInvitationOptions(), timeProvider: environment.TimeProvider, inventory: redis.Inventory);

        if (args.Id is not null)
        {
            switch (await redeemer.RevokeByIdAsync(channel, tokenId, cancellationToken).ConfigureAwait(false))
            {
                case InvitationRevocationOutcome.Revoked:
                    output.WriteLine($"revoked {tokenId} in {channel}: every later redemption of it is refused");
                    return Program.Success;
                case InvitationRevocationOutcome.NotFound:
                    error.WriteLine($"error: no invitation {tokenId} in {channel} (list --channel {channel} shows the ids; an invitation is forgotten a while after it expires)");
                    return Program.NotFound;
                default:
                    throw new InvitationLedgerUnavailableException("the revocation could not be stored");
            }
        }

        var cutOff = before ?? now;
        var stored = inviter is { } who
            ? await redeemer.RevokeInviterAsync(channel, who, cutOff, cancellationToken).ConfigureAwait(false)
            : await redeemer.RevokeChannelAsync(channel, cutOff, cancellationToken).ConfigureAwait(false);
        if (!stored)
        {
            throw new InvitationLedgerUnavailableException("the cut-off could not be stored");
        }

        output.WriteLine(inviter is { } by
            ? $"revoked every invitation {by.Bare} issued in {channel} before {Inputs.Instant(cutOff)} (an unbound invitation binds no inviter: revoke it by id)"
            : $"revoked every invitation of {channel} issued before {Inputs.Instant(cutOff)}");
        return Program.Success;
    }

    /// <summary>
    /// What revoke validates tokens with: it holds no key (revoking by id or by cut-off reads no token, so it needs none
    /// and never creates a dev key), so it cannot tell a genuine token from a forged one and refuses every token.
    /// </summary>
    private sealed class KeylessValidator : IInvitationValidator
    {
        public bool TryValidate(Invitation invitation, InvitationContext context, out InvitationValidationResult result)
        {
            result = InvitationValidationResult.Failure(InvitationFailureReason.BadSignature);
            return false;
        }
    }

    private sealed record RevokeRequest(string? Id, string? Channel, string? Inviter, string? Before, string? Redis);
}
