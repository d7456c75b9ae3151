using System.CommandLine;
using System.Globalization;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>list</c>: one page of a channel's invitations from the shared inventory (Redis), newest first, as a table — ids,
/// instants, uses, states, addresses and labels, never a token — and the <c>--after</c> cursor of the next page.
/// </summary>
internal static class ListCommand
{
    private static readonly string[] States = ["active", "exhausted", "revoked", "expired"];

    public static Command Create(SampleEnvironment environment)
    {
        var channel = new Option<string>("--channel") { Description = "The channel whose invitations are listed.", HelpName = "JID", Required = true };
        var inviter = new Option<string?>("--inviter") { Description = "Only the invitations whose token binds this inviter (invitee-bound with an inviter, inviter-bound).", HelpName = "JID" };
        var state = new Option<string?>("--state") { Description = "Only invitations in this state, as the ledger has it now.", HelpName = "active|exhausted|revoked|expired" };
        var pageSize = new Option<string?>("--page-size") { Description = $"How many invitations a page holds: 1 to {InvitationInventoryQuery.MaxPageSize} (default 20).", HelpName = "N" };
        var after = new Option<string?>("--after") { Description = "Where to continue: the cursor the previous page printed.", HelpName = "CURSOR" };
        var redis = SampleRedis.Option();

        var command = new Command(
            "list",
            $"List a channel's invitations, newest first, one page per run (the next page's --after is printed). Needs --redis. Exit codes: {Program.Success} listed, {Program.UsageError} bad input, {Program.RedisUnavailable} Redis unreachable.")
        {
            channel, inviter, state, pageSize, after, redis,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new ListRequest(parse.GetRequiredValue(channel), parse.GetValue(inviter), parse.GetValue(state), parse.GetValue(pageSize), parse.GetValue(after), parse.GetValue(redis)),
            parse.InvocationConfiguration.Output,
            environment,
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ListRequest args, TextWriter output, SampleEnvironment environment, CancellationToken cancellationToken)
    {
        var query = new InvitationInventoryQuery
        {
            Channel = Inputs.Jid(args.Channel, "--channel"),
            Inviter = Inputs.OptionalJid(args.Inviter, "--inviter"),
            State = State(args.State),
            PageSize = PageSize(args.PageSize),
            After = Cursor(args.After),
        };
        var configuration = SampleRedis.Resolve(args.Redis, environment) ?? throw SampleRedis.Required("list");

        await using var redis = await SampleRedis.ConnectAsync(configuration, environment.TimeProvider, cancellationToken).ConfigureAwait(false);
        var page = await redis.Inventory.ListAsync(query, cancellationToken).ConfigureAwait(false);

        var what = $"{query.Channel}{(query.Inviter is { } j ? $", by {j}" : string.Empty)}{(query.State is { } s ? $", {Name(s)}" : string.Empty)}";
        if (page.Records.Count == 0)
        {
            output.WriteLine(page.Next is null
                ? $"no invitations{(query.After is null ? string.Empty : " after that cursor")} in {what}"
                : $"none in {what} on this page (a state filter looks at {query.ScanLimit} invitations a page); more may follow");
        }
        else
        {
            output.WriteLine($"invitations in {what}, newest first:");
            WriteTable(output, page.Records);
        }

        if (page.Next is { } next)
        {
            output.WriteLine($"next page: --after {next}");
        }

        return Program.Success;
    }

    /// <summary>A table with a header and columns as wide as their widest cell.</summary>
    internal static void WriteTable(TextWriter output, IReadOnlyList<InvitationRecord> records, string indent = "")
    {
        string[] header = ["id", "issued", "expires", "uses", "state", "policy", "inviter", "invitee", "label"];
        var rows = records.Select(r => new[]
        {
            r.TokenId.ToString(),
            Inputs.Instant(r.IssuedAt),
            Inputs.Instant(r.ExpiresAt),
            r.MaxUses > 0 ? string.Create(CultureInfo.InvariantCulture, $"{r.Uses}/{r.MaxUses}") : "unlimited",
            Name(r.State),
            r.Policy,
            r.Inviter?.ToString() ?? "-",
            r.Invitee?.ToString() ?? "-",
            r.Label ?? string.Empty,
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine(indent + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    internal static string Name(InvitationState state) => state.ToString().ToLowerInvariant();

    private static InvitationState? State(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var index = Array.IndexOf(States, text.Trim().ToLowerInvariant());
        return index < 0
            ? throw new UsageException($"--state: '{text}' is not a state; use active, exhausted, revoked or expired")
            : Enum.Parse<InvitationState>(States[index], ignoreCase: true);
    }

    private static int PageSize(string? text)
    {
        if (text is null)
        {
            return 20;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > InvitationInventoryQuery.MaxPageSize)
        {
            throw new UsageException($"--page-size: '{text}' is not a page size; write a whole number from 1 to {InvitationInventoryQuery.MaxPageSize}");
        }

        return size;
    }

    private static InvitationInventoryCursor? Cursor(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return InvitationInventoryCursor.TryParse(text.Trim(), out var cursor)
            ? cursor
            : throw new UsageException($"--after: '{text}' is not a cursor; pass the one a page printed after 'next page: --after'");
    }

    private sealed record ListRequest(string Channel, string? Inviter, string? State, string? PageSize, string? After, string? Redis);
}
