using System.CommandLine;
using System.Text.Json;

namespace Mix.Invitations.Sample;

/// <summary><c>issue</c>: mints an invitation and prints it as XML, an xmpp: URI, a landing link (with a QR code) or JSON.</summary>
internal static class IssueCommand
{
    public static Command Create(SampleEnvironment environment)
    {
        var channel = new Option<string>("--channel") { Description = "The channel's JID, e.g. coven@mix.shakespeare.example.", HelpName = "JID", Required = true };
        var inviter = new Option<string?>("--inviter") { Description = "Who invites (bound by invitee-bound and inviter-bound invitations).", HelpName = "JID" };
        var invitee = new Option<string?>("--invitee") { Description = "Who is invited (bound by invitee-bound invitations).", HelpName = "JID" };
        var policy = new Option<string?>("--policy")
        {
            Description = "invitee-bound, inviter-bound or unbound. Default: invitee-bound with --invitee, else inviter-bound with --inviter, else unbound.",
            HelpName = "policy",
        };
        var lifetime = new Option<string?>("--lifetime") { Description = "How long it is valid: 30s, 15m, 12h, 7d, 2w or d.hh:mm:ss (default 7d, at most 30d).", HelpName = "duration" };
        var uses = new Option<string?>("--uses") { Description = "Use limit (1 = single use), enforced by a server's ledger when redeemed.", HelpName = "N" };
        var format = new Option<string>("--format") { Description = "xml (XEP-0407 <invitation/>), uri (xmpp:), link (https landing link) or json.", HelpName = "xml|uri|link|json", DefaultValueFactory = _ => "xml" };
        var linkBase = new Option<string>("--link-base") { Description = "The landing page for --format link; the invitation travels in the fragment, so it never reaches the web server.", HelpName = "URI", DefaultValueFactory = _ => "https://invite.example/" };
        var noQr = new Option<bool>("--no-qr") { Description = "Do not draw a QR code after a uri or link." };
        var lightTerminal = new Option<bool>("--light-terminal") { Description = "Draw the QR code for a terminal with a light background." };
        var role = new Option<string?>("--role")
        {
            Description = "Issue as an inviter of this role in the channel (owner, administrator, participant, other, or any name): applies the library's built-in issuance rules, so a refusal shows the stanza error a server would send and exits 3.",
            HelpName = "owner|administrator|participant|other|NAME",
        };
        var channelAllowsParticipants = new Option<bool?>("--channel-allows-participants")
        {
            Description = "The channel's XEP-0406 setting 'Participation Addition by Invitation from Participant' the rules check for a participant (unset: unknown, which they refuse). Also applies the rules.",
            HelpName = "true|false",
        };
        var label = new Option<string?>("--label") { Description = $"A short label for the list of invitations (at most {InvitationIssueRequest.MaxLabelLength} characters), kept by the inventory in Redis, never in the token: needs --redis.", HelpName = "text" };
        var grantRole = new Option<string?>("--grant-role") { Description = "Grant the invitee a role on join, signed into the token: a server-defined id from 1 to 255 (not --role, which is the inviter's role).", HelpName = "1-255" };
        var grantNodes = new Option<string?>("--grant-nodes") { Description = $"Grant subscriptions to these MIX nodes on join, signed into the token, separated by commas: {Grants.NodeNames}.", HelpName = "messages,presence" };
        var grantNick = new Option<string?>("--grant-nick") { Description = $"Reserve this nick for the invitee, signed into the token (1 to {InvitationGrants.MaxNickBytes} bytes of UTF-8).", HelpName = "nick" };
        var grantLabel = new Option<string?>("--grant-label") { Description = $"A server-defined label signed into the token, e.g. a cohort (1 to {InvitationGrants.MaxLabelBytes} bytes of UTF-8; unlike --label, it travels in the token).", HelpName = "text" };
        var keyFile = SampleCommands.KeyFileOption();
        var redis = SampleRedis.Option();

        var command = new Command("issue", $"Issue an invitation and print it; with --redis, record it in the shared inventory and print its id. Exit codes: {Program.Success} issued, {Program.UsageError} bad input, {Program.IssueRefused} refused by the issuance rules (--role or --channel-allows-participants), {Program.RedisUnavailable} Redis unreachable.")
        {
            channel, inviter, invitee, policy, lifetime, uses, role, channelAllowsParticipants, label, grantRole, grantNodes, grantNick, grantLabel, format, linkBase, noQr, lightTerminal, keyFile, redis,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new IssueRequest(
                parse.GetRequiredValue(channel),
                parse.GetValue(inviter),
                parse.GetValue(invitee),
                parse.GetValue(policy),
                parse.GetValue(lifetime),
                parse.GetValue(uses),
                parse.GetValue(role),
                parse.GetValue(channelAllowsParticipants),
                parse.GetRequiredValue(format),
                parse.GetRequiredValue(linkBase),
                !parse.GetValue(noQr),
                !parse.GetValue(lightTerminal),
                parse.GetValue(keyFile),
                parse.GetValue(label),
                parse.GetValue(redis),
                Grants.Read(parse.GetValue(grantRole), parse.GetValue(grantNodes), parse.GetValue(grantNick), parse.GetValue(grantLabel)));
            return RunAsync(request, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, environment, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(IssueRequest args, TextWriter output, TextWriter error, SampleEnvironment environment, CancellationToken cancellationToken)
    {
        // Check every input before touching the key, so a typo never creates a key file.
        var format = InvitationOutput.Format(args.Format);

        var channel = Inputs.Jid(args.Channel, "--channel");
        var inviter = Inputs.OptionalJid(args.Inviter, "--inviter");
        var invitee = Inputs.OptionalJid(args.Invitee, "--invitee");
        var lifetime = Inputs.Lifetime(args.Lifetime);
        var linkBase = Inputs.LinkBase(args.LinkBase);
        var uses = Inputs.Uses(args.Uses);
        var policyName = args.Policy ?? (invitee is not null ? BindingPolicies.InviteeBoundName : inviter is not null ? BindingPolicies.InviterBoundName : BindingPolicies.UnboundName);
        var policy = BindingPolicies.BuiltIn.FirstOrDefault(p => p.Name == policyName)
            ?? throw new UsageException($"--policy: '{policyName}' is not a policy; use invitee-bound, inviter-bound or unbound");
        var maxLifetime = new MixInvitationOptions().MaxLifetime;
        if (lifetime > maxLifetime)
        {
            throw new UsageException($"--lifetime: '{args.Lifetime}' is longer than the {Sample.Lifetime.Format(maxLifetime)} an invitation may live");
        }

        var role = args.Role?.Trim();
        if (role is { Length: 0 })
        {
            throw new UsageException("--role: a role name is needed, e.g. owner, participant or other");
        }

        var label = Inputs.Label(args.Label);
        var redisConfiguration = SampleRedis.Resolve(args.Redis, environment);
        if (args.Label is not null && redisConfiguration is null)
        {
            throw new UsageException($"--label: a label is kept only by the inventory, which lives in Redis: pass --redis host:port (or set {SampleRedis.EnvironmentVariable})");
        }

        var request = new InvitationIssueRequest
        {
            Channel = channel,
            Inviter = inviter,
            Invitee = invitee,
            Policy = policy.Name,
            Lifetime = lifetime,
            MaxUses = uses,
            InviterRole = role,
            ChannelAllowsParticipantInvitations = args.ChannelAllowsParticipants,
            Label = label,
            Grants = args.Grants,
        };

        // Without either option the sample issues as a server's own code would, under no issuance rule.
        var withRules = role is not null || args.ChannelAllowsParticipants is not null;

        Invitation invitation;
        InvitationClaims claims; // what the issued token says, for JSON and the note on stderr
        try
        {
            // The policy's own check ("an invitee-bound invitation needs an invitee") before the key is touched.
            policy.ValidateRequest(request);
            var key = SigningKey.Resolve(args.KeyFile, environment, createKeyFile: true);
            error.WriteLine($"key {SigningKey.KeyId}: {key.Source}");
            await using var redis = redisConfiguration is null ? null : await SampleRedis.ConnectAsync(redisConfiguration, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
            using var service = SampleServices.CreateIssuer(key, environment.TimeProvider, withRules, redis);
            var result = await service.Issuer.IssueAsync(request, cancellationToken).ConfigureAwait(false);
            if (!result.IsIssued && result.Reason == InvitationIssueRefusalReason.InventoryUnavailable)
            {
                // Signed, but not recorded: the library hands out nothing the inventory does not list.
                throw new InvitationLedgerUnavailableException("the inventory could not record the invitation, so none was issued");
            }

            if (!result.IsIssued)
            {
                // What a server sends back to the inviter, and why.
                var stanzaError = result.StanzaError;
                error.WriteLine($"refused ({result.Reason}{(result.RetryAfter is { } wait ? $", retry after {Sample.Lifetime.Format(wait)}" : string.Empty)}): {stanzaError}");
                error.WriteLine(stanzaError.ToXElement().ToString(System.Xml.Linq.SaveOptions.DisableFormatting));
                if (result.Reason == InvitationIssueRefusalReason.InviterNotAllowed && inviter is null)
                {
                    error.WriteLine("note: without --inviter, a role whose rate is counted per inviter is refused too");
                }

                return Program.IssueRefused;
            }

            (invitation, claims) = (result.Issued.Invitation, result.Issued.Claims);
        }
        catch (ArgumentException ex)
        {
            // The library names the field in ParamName; its message says what is wrong with it.
            throw new UsageException($"{OptionFor(ex.ParamName)}: {Program.OneLine(ex.Message)}", ex);
        }

        error.WriteLine($"issued {claims.Policy} invitation to {invitation.Channel}, expires {Inputs.Instant(claims.ExpiresAt)}{(claims.IsUseLimited ? $", {claims.MaxUses} use(s)" : string.Empty)}{(claims.Grants is { } granted ? $", grants {Grants.Describe(granted)}" : string.Empty)}");
        if (redisConfiguration is not null)
        {
            // The id, not the token: what `list` shows and `revoke ID` takes.
            error.WriteLine($"id {claims.TokenId}: recorded in the inventory{(args.Label is null ? string.Empty : $" with the label \"{args.Label}\"")} (revoke it with: revoke {claims.TokenId} --channel {invitation.Channel})");
        }

        InvitationOutput.Write(output, invitation, format, linkBase, args.DrawQr, args.DarkTerminal, json => WriteJsonFields(json, claims));
        return Program.Success;
    }

    private static void WriteJsonFields(Utf8JsonWriter json, InvitationClaims claims)
    {
        json.WriteString("id", claims.TokenId.ToString());
        json.WriteString("policy", claims.Policy);
        json.WriteString("expires", Inputs.Instant(claims.ExpiresAt));
        if (claims.IsUseLimited)
        {
            json.WriteNumber("maxUses", claims.MaxUses);
        }
        else
        {
            json.WriteNull("maxUses");
        }

        if (claims.Grants is { } grants)
        {
            json.WriteStartObject("grants");
            if (grants.Role is { } role)
            {
                json.WriteNumber("role", role);
            }

            if (grants.Nodes != MixNodes.None)
            {
                json.WriteStartArray("nodes");
                foreach (var node in grants.NodeNames)
                {
                    json.WriteStringValue(node);
                }

                json.WriteEndArray();
            }

            if (grants.Nick is { } nick)
            {
                json.WriteString("nick", nick);
            }

            if (grants.Label is { } label)
            {
                json.WriteString("label", label);
            }

            json.WriteEndObject();
        }
    }

    private static string OptionFor(string? field) => field switch
    {
        nameof(InvitationIssueRequest.Channel) => "--channel",
        nameof(InvitationIssueRequest.Inviter) => "--inviter",
        nameof(InvitationIssueRequest.Invitee) => "--invitee",
        nameof(InvitationIssueRequest.Policy) => "--policy",
        nameof(InvitationIssueRequest.Lifetime) => "--lifetime",
        nameof(InvitationIssueRequest.MaxUses) => "--uses",
        nameof(InvitationIssueRequest.Label) => "--label",
        nameof(InvitationIssueRequest.Grants) => "--grant-*",
        _ => "issue",
    };

    private sealed record IssueRequest(
        string Channel,
        string? Inviter,
        string? Invitee,
        string? Policy,
        string? Lifetime,
        string? Uses,
        string? Role,
        bool? ChannelAllowsParticipants,
        string Format,
        string LinkBase,
        bool DrawQr,
        bool DarkTerminal,
        string? KeyFile,
        string? Label,
        string? Redis,
        InvitationGrants? Grants);
}
