using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>narrow</c>: makes a narrower copy of an invitation with no key, as any holder of it can (<see cref="InvitationNarrowing.Narrow"/>):
/// bound to one invitee, expiring sooner, or with fewer uses. The copy is the same invitation to a server's ledger, so its
/// uses count against the original's; it is printed as <c>issue</c> prints an invitation.
/// </summary>
/// <remarks>
/// The command never resolves a key (no <c>--key-file</c>, no <c>MIX_INVITATIONS_KEY</c>, no dev key): narrowing
/// needs none, which is its point. Nothing it prints on standard error holds the token.
/// </remarks>
internal static class NarrowCommand
{
    /// <summary>Exit code: the token is not one this edition can read (<see cref="InvitationNarrowingError.Malformed"/>).</summary>
    internal const int Malformed = 6;

    /// <summary>Exit code: a restriction would not narrow the token (<see cref="InvitationNarrowingError.NotNarrower"/>).</summary>
    internal const int NotNarrower = 7;

    /// <summary>Exit code: the token is already bound to another invitee (<see cref="InvitationNarrowingError.InviteeConflict"/>).</summary>
    internal const int InviteeConflict = 8;

    /// <summary>Exit code: the token would carry too many restrictions (<see cref="InvitationNarrowingError.TooManyRestrictions"/>).</summary>
    internal const int TooManyRestrictions = 9;

    /// <summary>The exit codes, for the help text and the README.</summary>
    internal static readonly string ExitCodes = string.Create(
        CultureInfo.InvariantCulture,
        $"Exit codes: {Program.Success} narrowed, {Program.UsageError} bad input or no restriction asked for, {Malformed} malformed token, {NotNarrower} not narrower (a later expiry, as many uses or more, an invitee it already has), {InviteeConflict} already bound to another invitee, {TooManyRestrictions} too many restrictions ({InvitationNarrowing.MaxRestrictions} at most).");

    public static Command Create(SampleEnvironment environment)
    {
        var input = new Argument<string?>("invitation")
        {
            Description = "The <invitation/> XML (or a stanza or <join/> holding one), @path to read it from a file, or - to read standard input.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var uri = new Option<string?>("--uri") { Description = "The invitation as an xmpp: URI or https landing link instead of XML.", HelpName = "URI" };
        var token = new Option<string?>("--token") { Description = "A bare token (a XEP-0379 preauth token), with --channel.", HelpName = "token" };
        var channel = new Option<string?>("--channel") { Description = "The channel a bare --token invites to.", HelpName = "JID" };
        var invitee = new Option<string?>("--invitee") { Description = "Bind the copy to this one user: only they may redeem it (its bare JID travels with the copy).", HelpName = "JID" };
        var lifetime = new Option<string?>("--lifetime") { Description = "The copy expires this long from now (30s, 15m, 12h, 7d, 2w or d.hh:mm:ss), before the original does.", HelpName = "duration" };
        var uses = new Option<string?>("--uses") { Description = "The copy may take at most this many uses, fewer than the original allows; they still count against the original's.", HelpName = "N" };
        var format = new Option<string>("--format") { Description = "xml (XEP-0407 <invitation/>), uri (xmpp:), link (https landing link) or json.", HelpName = "xml|uri|link|json", DefaultValueFactory = _ => "xml" };
        var linkBase = new Option<string>("--link-base") { Description = "The landing page for --format link.", HelpName = "URI", DefaultValueFactory = _ => "https://invite.example/" };
        var noQr = new Option<bool>("--no-qr") { Description = "Do not draw a QR code after a uri or link." };
        var lightTerminal = new Option<bool>("--light-terminal") { Description = "Draw the QR code for a terminal with a light background." };

        var command = new Command(
            "narrow",
            "Make a narrower copy of an invitation with no key, as any holder can: for one invitee, expiring sooner, or with fewer uses (never wider). "
            + "The copy shares the original's uses and revocation. " + ExitCodes)
        {
            input, uri, token, channel, invitee, lifetime, uses, format, linkBase, noQr, lightTerminal,
        };
        command.SetAction(parse => Run(
            new NarrowRequest(
                parse.GetValue(input),
                parse.GetValue(uri),
                parse.GetValue(token),
                parse.GetValue(channel),
                parse.GetValue(invitee),
                parse.GetValue(lifetime),
                parse.GetValue(uses),
                parse.GetRequiredValue(format),
                parse.GetRequiredValue(linkBase),
                !parse.GetValue(noQr),
                !parse.GetValue(lightTerminal)),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            environment));
        return command;
    }

    private static int Run(NarrowRequest args, TextWriter output, TextWriter error, SampleEnvironment environment)
    {
        var format = InvitationOutput.Format(args.Format);
        var linkBase = Inputs.LinkBase(args.LinkBase);
        if (args.Channel is not null && args.Token is null)
        {
            throw new UsageException("--channel: only a bare --token needs it; XML and links name their channel");
        }

        var invitation = InvitationInput.Read(args.Input, args.Uri, args.Token, args.Channel, acceptsToken: true, environment);
        var restrictions = new InvitationRestrictions
        {
            Invitee = Inputs.OptionalJid(args.Invitee, "--invitee"),
            ExpiresAt = Inputs.Lifetime(args.Lifetime) is { } lifetime ? environment.TimeProvider.GetUtcNow() + lifetime : null,
            MaxUses = Inputs.Uses(args.Uses),
        };

        var result = invitation.Narrow(restrictions);
        if (!result.IsNarrowed)
        {
            // One line: which restriction failed and why, from the library (never the token).
            error.WriteLine(result.Error == InvitationNarrowingError.NothingRequested
                ? $"error: not narrowed ({result.Error}): give at least one of --invitee, --lifetime, --uses"
                : $"error: not narrowed ({result.Error}): {Program.OneLine(result.Message)}");
            return result.Error switch
            {
                InvitationNarrowingError.Malformed => Malformed,
                InvitationNarrowingError.NotNarrower => NotNarrower,
                InvitationNarrowingError.InviteeConflict => InviteeConflict,
                InvitationNarrowingError.TooManyRestrictions => TooManyRestrictions,
                _ => Program.UsageError, // NothingRequested: no --invitee, --lifetime or --uses
            };
        }

        var narrowed = result.Invitation;
        error.WriteLine($"narrowed {Describe(restrictions)}, with no key; token {narrowed.Token.Length} characters (was {invitation.Token.Length})");
        error.WriteLine("its uses count against the original's, and revoking the original revokes it");
        InvitationOutput.Write(output, narrowed, format, linkBase, args.DrawQr, args.DarkTerminal, json =>
        {
            json.WriteNumber("tokenLength", narrowed.Token.Length);
            json.WriteStartObject("restricted");
            if (restrictions.Invitee is { } to)
            {
                json.WriteString("invitee", to.Bare.ToString());
            }

            if (restrictions.ExpiresAt is { } until)
            {
                json.WriteString("expires", Inputs.Instant(DateTimeOffset.FromUnixTimeSeconds(until.ToUnixTimeSeconds())));
            }

            if (restrictions.MaxUses is { } most)
            {
                json.WriteNumber("maxUses", most);
            }

            json.WriteEndObject();
        });
        return Program.Success;
    }

    /// <summary>What was restricted: <c>to cat@example (only they may redeem it), expiring 2026-…, at most 1 use(s)</c>.</summary>
    private static string Describe(InvitationRestrictions restrictions)
    {
        var parts = new List<string>(3);
        if (restrictions.Invitee is { } invitee)
        {
            parts.Add($"to {invitee.Bare} (only they may redeem it)");
        }

        if (restrictions.ExpiresAt is { } expiresAt)
        {
            // The token keeps whole seconds, rounded down.
            parts.Add($"expiring {Inputs.Instant(DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()))}");
        }

        if (restrictions.MaxUses is { } uses)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"to at most {uses} use(s)"));
        }

        return string.Join(", ", parts);
    }

    private sealed record NarrowRequest(
        string? Input,
        string? Uri,
        string? Token,
        string? Channel,
        string? Invitee,
        string? Lifetime,
        string? Uses,
        string Format,
        string LinkBase,
        bool DrawQr,
        bool DarkTerminal);
}
