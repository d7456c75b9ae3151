using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace Mix.Invitations.Component;

/// <summary>
/// XEP-0050 ad-hoc commands on each channel, for its owner and administrators: create an invitation, list the
/// channel's invitations, revoke one, revoke all of an inviter. Each runs in two steps — execute returns a
/// XEP-0004 form, submitting it (action <c>complete</c> or <c>execute</c>) completes with a result — and can be cancelled.
/// </summary>
/// <remarks>
/// <para>
/// Who may run them is checked at every step against the sender's bare JID as the server stamped it: the channel's
/// owner and administrators; anyone else gets <c>auth/forbidden</c>. A session belongs to the full JID that started it.
/// </para>
/// <para>
/// A submitted form that does not parse is answered <c>modify/bad-request</c> with a text naming the field; the
/// session stays open so the same form can be corrected and submitted again. Issuing goes through the library's
/// issuance rules with the administrator's role, so their refusals come back as <see cref="InvitationIssueResult.StanzaError"/>.
/// The create result names its fields as XEP-0401 does (<c>uri</c>, <c>landing-url</c>, <c>expire</c>) and adds
/// <c>id</c>, the token id the list and revoke commands use. No log line carries a token.
/// </para>
/// </remarks>
internal sealed class AdminCommands
{
    /// <summary>The node of "create an invitation".</summary>
    public const string CreateNode = "urn:mix-invitations:cmd:create";

    /// <summary>The node of "list the channel's invitations".</summary>
    public const string ListNode = "urn:mix-invitations:cmd:list";

    /// <summary>The node of "revoke one invitation".</summary>
    public const string RevokeNode = "urn:mix-invitations:cmd:revoke";

    /// <summary>The node of "revoke every invitation of an inviter".</summary>
    public const string RevokeInviterNode = "urn:mix-invitations:cmd:revoke-inviter";

    /// <summary>The most invitations the list command shows (and the revoke form offers), newest first.</summary>
    public const int ListCap = 50;

    /// <summary>The most sessions kept open at once; the oldest go first.</summary>
    public const int MaxSessions = 1_000;

    /// <summary>How long an unfinished session is kept.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    private static readonly (string Node, string Name)[] Commands =
    [
        (CreateNode, "Create an invitation"),
        (ListNode, "List invitations"),
        (RevokeNode, "Revoke an invitation"),
        (RevokeInviterNode, "Revoke all invitations of an inviter"),
    ];

    private static readonly string[] PolicyNames = [BindingPolicies.UnboundName, BindingPolicies.InviteeBoundName, BindingPolicies.InviterBoundName];

    /// <summary>The list command's state filter: any, or one <see cref="InvitationState"/> in lower case.</summary>
    private static readonly string[] StateNames = ["any", .. Enum.GetNames<InvitationState>().Select(s => s.ToLowerInvariant())];

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly InvitationService _invitations;
    private readonly InvitationRedeemer _redemption;
    private readonly IInvitationInventory _inventory;
    private readonly Uri _landingPage;
    private readonly TimeSpan _defaultLifetime;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;

    public AdminCommands(InvitationService invitations, InvitationRedeemer redemption, IInvitationInventory inventory, Uri landingPage, TimeSpan defaultLifetime, TimeProvider time, Action<string> log)
    {
        _invitations = invitations;
        _redemption = redemption;
        _inventory = inventory;
        _landingPage = landingPage;
        _defaultLifetime = defaultLifetime;
        _time = time;
        _log = log;
    }

    /// <summary>Gets how many sessions are open (for tests).</summary>
    public int OpenSessions => _sessions.Count;

    /// <summary>Whether <paramref name="role"/> may run the commands: the channel's owner and administrators.</summary>
    public static bool MayRun(string role) => role is InvitationRoles.Owner or InvitationRoles.Administrator;

    /// <summary>XEP-0050 §2.2: the commands as disco#items of the channel, to those who may run them (nobody else sees any).</summary>
    public static XElement Items(MixChannel channel, Jid from)
    {
        var query = new XElement(Names.DiscoItems + "query", new XAttribute("node", Names.Commands.NamespaceName));
        if (MayRun(channel.RoleOf(from)))
        {
            query.Add(Commands.Select(c => new XElement(
                Names.DiscoItems + "item",
                new XAttribute("jid", channel.Address.ToString()),
                new XAttribute("node", c.Node),
                new XAttribute("name", c.Name))));
        }

        return query;
    }

    /// <summary>XEP-0050 §2.3: disco#info of one command node, or null when the node is not a command.</summary>
    public static XElement? CommandInfo(string node)
    {
        var command = Commands.FirstOrDefault(c => c.Node == node);
        return command.Node is null
            ? null
            : new XElement(
                Names.DiscoInfo + "query",
                new XAttribute("node", node),
                new XElement(Names.DiscoInfo + "identity", new XAttribute("category", "automation"), new XAttribute("type", "command-node"), new XAttribute("name", command.Name)),
                new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.Commands.NamespaceName)),
                new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.DataForms.NamespaceName)));
    }

    /// <summary>Handles an IQ set carrying <c>&lt;command xmlns='http://jabber.org/protocol/commands'/&gt;</c> to a channel.</summary>
    public async ValueTask<XElement> HandleAsync(XElement stanza, XElement command, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        var node = (string?)command.Attribute("node") ?? string.Empty;
        if (!Commands.Any(c => c.Node == node))
        {
            return MixService.Error(stanza, new InvitationStanzaError("cancel", "item-not-found", "No such command."));
        }

        var role = channel.RoleOf(from);
        if (!MayRun(role))
        {
            _log($"refused {from.Bare} running {node} in {channel.Address}: role {role}");
            return MixService.Error(stanza, new InvitationStanzaError("auth", "forbidden", "Only the channel's owners and administrators may run this command."));
        }

        var action = (string?)command.Attribute("action") ?? "execute";
        var sessionId = (string?)command.Attribute("sessionid");
        Expire();
        if (sessionId is null)
        {
            if (action != "execute")
            {
                return BadAction(stanza, "A command starts with the action 'execute'.");
            }

            return await StartAsync(stanza, node, from, channel, cancellationToken).ConfigureAwait(false);
        }

        if (!_sessions.TryGetValue(sessionId, out var session) || session.Requester != from || session.Node != node || session.Channel != channel.Address)
        {
            return MixService.Error(stanza, new InvitationStanzaError("modify", "bad-request", "No such session."), new XElement(Names.Commands + "bad-sessionid"));
        }

        switch (action)
        {
            case "cancel":
                _sessions.TryRemove(sessionId, out _);
                return MixService.Result(stanza, Command(node, sessionId, "canceled"));
            case "complete" or "execute":
                break;
            default:
                return BadAction(stanza, $"The action '{action}' is not offered; use 'complete' or 'cancel'.");
        }

        var form = command.Element(Names.DataForms + "x");
        if (form is null || (string?)form.Attribute("type") != "submit")
        {
            return MixService.Error(stanza, new InvitationStanzaError("modify", "bad-request", "A submitted data form (type 'submit') is expected."));
        }

        var fields = Fields.Read(form);
        var outcome = node switch
        {
            CreateNode => await CreateAsync(fields, from, channel, cancellationToken).ConfigureAwait(false),
            ListNode => await ListAsync(fields, channel, cancellationToken).ConfigureAwait(false),
            RevokeNode => await RevokeAsync(fields, from, channel, cancellationToken).ConfigureAwait(false),
            _ => await RevokeInviterAsync(fields, from, channel, cancellationToken).ConfigureAwait(false),
        };
        if (outcome.Error is { } error)
        {
            // The session stays: the requester corrects the form and submits it again.
            return MixService.Error(stanza, error);
        }

        _sessions.TryRemove(sessionId, out _);
        var completed = Command(node, sessionId, "completed");
        if (outcome.Note is { } note)
        {
            completed.Add(new XElement(Names.Commands + "note", new XAttribute("type", "info"), note));
        }

        if (outcome.Result is { } result)
        {
            completed.Add(result);
        }

        return MixService.Result(stanza, completed);
    }

    private async ValueTask<XElement> StartAsync(XElement stanza, string node, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        XElement form;
        try
        {
            form = node switch
            {
                CreateNode => CreateForm(),
                ListNode => ListForm(),
                RevokeNode => await RevokeFormAsync(channel, cancellationToken).ConfigureAwait(false),
                _ => RevokeInviterForm(),
            };
        }
        catch (InvitationLedgerUnavailableException)
        {
            return MixService.Error(stanza, Unavailable);
        }

        if (_sessions.Count >= MaxSessions)
        {
            foreach (var oldest in _sessions.OrderBy(s => s.Value.Started).Take(_sessions.Count - MaxSessions + 1))
            {
                _sessions.TryRemove(oldest.Key, out _);
            }
        }

        var sessionId = RandomNumberGenerator.GetHexString(16, lowercase: true);
        _sessions[sessionId] = new Session(node, from, channel.Address, _time.GetUtcNow());
        var command = Command(node, sessionId, "executing");
        command.Add(new XElement(Names.Commands + "actions", new XAttribute("execute", "complete"), new XElement(Names.Commands + "complete")));
        command.Add(form);
        return MixService.Result(stanza, command);
    }

    private XElement CreateForm() => Form(
        "form",
        "Create an invitation",
        "Issue an invitation link to this channel. Anyone holding an unbound or inviter-bound link may join with it, up to its uses.",
        Field("policy", "list-single", "Who may join with it", [BindingPolicies.UnboundName], required: true, options: PolicyNames.Select(p => (p, PolicyLabel(p)))),
        Field("invitee", "jid-single", "Invitee (required for invitee-bound)", []),
        Field("lifetime", "text-single", "Valid for (e.g. 30m, 12h, 7d)", [Lifetime.Format(_defaultLifetime)], required: true),
        Field("uses", "text-single", "How many joins (empty for no limit)", ["1"]),
        Field("label", "text-single", $"Label for the list (at most {InvitationIssueRequest.MaxLabelLength} characters)", []));

    private static XElement ListForm() => Form(
        "form",
        "List invitations",
        $"The channel's invitations, newest first (at most {ListCap}).",
        Field("state", "list-single", "State", ["any"], options: StateNames.Select(s => (s, s))),
        Field("inviter", "jid-single", "Only those of this inviter", []));

    private async ValueTask<XElement> RevokeFormAsync(MixChannel channel, CancellationToken cancellationToken)
    {
        var active = await CollectAsync(new InvitationInventoryQuery { Channel = channel.Address, State = InvitationState.Active, PageSize = ListCap }, cancellationToken).ConfigureAwait(false);
        return Form(
            "form",
            "Revoke an invitation",
            "Pick the invitation to revoke; its link stops working at once.",
            Field("id", "list-single", "Invitation", [], required: true, options: active.Records.Select(r => (r.TokenId.ToString(), Describe(r)))));
    }

    private static XElement RevokeInviterForm() => Form(
        "form",
        "Revoke all invitations of an inviter",
        "Every invitation the inviter issued in this channel until now stops working (those whose token names the inviter: invitee-bound and inviter-bound).",
        Field("inviter", "jid-single", "Inviter", [], required: true));

    private async ValueTask<Outcome> CreateAsync(Fields fields, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        var policy = fields.Single("policy") ?? BindingPolicies.UnboundName;
        if (!PolicyNames.Contains(policy))
        {
            return Outcome.BadRequest($"'policy' must be one of {string.Join(", ", PolicyNames)}.");
        }

        Jid? invitee = null;
        if (fields.Single("invitee") is { Length: > 0 } inviteeText)
        {
            if (!Jid.TryParse(inviteeText, out var parsed, out var problem))
            {
                return Outcome.BadRequest($"'invitee' is not a JID: {problem}");
            }

            invitee = parsed.Bare;
        }

        if (policy == BindingPolicies.InviteeBoundName && invitee is null)
        {
            return Outcome.BadRequest("'invitee' is required for an invitee-bound invitation.");
        }

        var lifetime = _defaultLifetime;
        if (fields.Single("lifetime") is { Length: > 0 } lifetimeText && !Lifetime.TryParse(lifetimeText, out lifetime))
        {
            return Outcome.BadRequest("'lifetime' is a number followed by s, m, h or d, for example 7d.");
        }

        int? uses = null;
        if (fields.Single("uses") is { Length: > 0 } usesText)
        {
            if (!int.TryParse(usesText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > ushort.MaxValue)
            {
                return Outcome.BadRequest("'uses' is a whole number from 1 to 65535, or empty for no limit.");
            }

            uses = n;
        }

        var label = fields.Single("label") is { Length: > 0 } labelText ? labelText : null;
        InvitationIssueResult issued;
        try
        {
            issued = await _invitations.IssueAsync(
                new InvitationIssueRequest
                {
                    Channel = channel.Address,
                    Inviter = from.Bare,
                    Invitee = invitee,
                    Policy = policy,
                    Lifetime = lifetime,
                    MaxUses = uses,
                    Label = label,
                    InviterRole = channel.RoleOf(from),
                    ChannelAllowsParticipantInvitations = channel.ParticipantsMayInvite,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            // The library names the request's field (lifetime beyond the maximum, a label with a control character…).
            return Outcome.BadRequest($"'{FieldOf(ex.ParamName)}': {FirstLine(ex.Message)}");
        }

        if (!issued.IsIssued)
        {
            _log($"refused an invitation to {channel.Address} from {from.Bare} (ad-hoc): {issued}");
            return new Outcome(issued.StanzaError, null, null);
        }

        var invitation = issued.Issued.Invitation;
        var claims = issued.Issued.Claims;
        _log($"{from.Bare} created invitation {claims.TokenId} ({policy}) in {channel.Address} with an ad-hoc command");
        return new Outcome(
            null,
            null,
            Form(
                "result",
                "Invitation created",
                null,
                Field("uri", "text-single", "Invitation link (xmpp:)", [InvitationUri.ToXmppUri(invitation)]),
                Field("landing-url", "text-single", "Invitation link (web)", [InvitationUri.ToLandingLink(invitation, _landingPage)]),
                Field("expire", "text-single", "Expires", [Iso(claims.ExpiresAt)]),
                Field("id", "text-single", "Invitation id", [claims.TokenId.ToString()])));
    }

    private async ValueTask<Outcome> ListAsync(Fields fields, MixChannel channel, CancellationToken cancellationToken)
    {
        var query = new InvitationInventoryQuery { Channel = channel.Address, PageSize = ListCap };
        var state = fields.Single("state");
        if (state is { Length: > 0 } and not "any")
        {
            if (!Enum.TryParse<InvitationState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return Outcome.BadRequest($"'state' must be one of {string.Join(", ", StateNames)}.");
            }

            query = query with { State = parsed };
        }

        if (fields.Single("inviter") is { Length: > 0 } inviterText)
        {
            if (!Jid.TryParse(inviterText, out var inviter, out var problem))
            {
                return Outcome.BadRequest($"'inviter' is not a JID: {problem}");
            }

            query = query with { Inviter = inviter.Bare };
        }

        (IReadOnlyList<InvitationRecord> Records, bool More) listed;
        try
        {
            listed = await CollectAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (InvitationLedgerUnavailableException)
        {
            return new Outcome(Unavailable, null, null);
        }

        var result = Form("result", "Invitations", null);
        result.Add(new XElement(
            Names.DataForms + "reported",
            ReportedField("id", "Id"),
            ReportedField("issued", "Issued"),
            ReportedField("expires", "Expires"),
            ReportedField("uses", "Uses"),
            ReportedField("max", "Max uses"),
            ReportedField("state", "State"),
            ReportedField("policy", "Policy"),
            ReportedField("inviter", "Inviter"),
            ReportedField("invitee", "Invitee"),
            ReportedField("label", "Label")));
        foreach (var record in listed.Records)
        {
            result.Add(new XElement(
                Names.DataForms + "item",
                ItemField("id", record.TokenId.ToString()),
                ItemField("issued", Iso(record.IssuedAt)),
                ItemField("expires", Iso(record.ExpiresAt)),
                ItemField("uses", record.Uses.ToString(CultureInfo.InvariantCulture)),
                ItemField("max", record.MaxUses == 0 ? string.Empty : record.MaxUses.ToString(CultureInfo.InvariantCulture)),
                ItemField("state", record.State.ToString().ToLowerInvariant()),
                ItemField("policy", record.Policy),
                ItemField("inviter", record.Inviter?.ToString() ?? string.Empty),
                ItemField("invitee", record.Invitee?.ToString() ?? string.Empty),
                ItemField("label", record.Label ?? string.Empty)));
        }

        var note = listed.Records.Count == 0
            ? "No invitations."
            : listed.More
                ? string.Create(CultureInfo.InvariantCulture, $"The newest {listed.Records.Count}; there are more.")
                : string.Create(CultureInfo.InvariantCulture, $"{listed.Records.Count} invitation(s).");
        return new Outcome(null, note, result);
    }

    private async ValueTask<Outcome> RevokeAsync(Fields fields, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        var text = fields.Single("id")?.Trim();
        if (string.IsNullOrEmpty(text) || !InvitationTokenId.TryParse(text, out var id))
        {
            return Outcome.BadRequest("'id' is an invitation id as the list shows it (32 hexadecimal digits).");
        }

        var outcome = await _redemption.RevokeByIdAsync(channel.Address, id, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case InvitationRevocationOutcome.Revoked:
                _log($"{from.Bare} revoked invitation {id} in {channel.Address} with an ad-hoc command");
                return new Outcome(null, $"Revoked invitation {id}.", null);
            case InvitationRevocationOutcome.NotFound:
                return new Outcome(new InvitationStanzaError("cancel", "item-not-found", "This channel lists no invitation of that id."), null, null);
            default:
                return new Outcome(Unavailable, null, null);
        }
    }

    private async ValueTask<Outcome> RevokeInviterAsync(Fields fields, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        if (fields.Single("inviter") is not { Length: > 0 } inviterText)
        {
            return Outcome.BadRequest("'inviter' is required.");
        }

        if (!Jid.TryParse(inviterText, out var inviter, out var problem))
        {
            return Outcome.BadRequest($"'inviter' is not a JID: {problem}");
        }

        inviter = inviter.Bare;
        int pending;
        try
        {
            pending = (await CollectAsync(new InvitationInventoryQuery { Channel = channel.Address, Inviter = inviter, State = InvitationState.Active, PageSize = ListCap }, cancellationToken).ConfigureAwait(false)).Records.Count;
        }
        catch (InvitationLedgerUnavailableException)
        {
            return new Outcome(Unavailable, null, null);
        }

        if (!await _redemption.RevokeInviterAsync(channel.Address, inviter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return new Outcome(Unavailable, null, null);
        }

        _log($"{from.Bare} revoked every invitation of {inviter} in {channel.Address} with an ad-hoc command ({pending} active)");
        return new Outcome(null, string.Create(CultureInfo.InvariantCulture, $"Revoked every invitation {inviter} issued in this channel until now ({pending} were active)."), null);
    }

    /// <summary>Pages through the inventory up to <see cref="ListCap"/> records; More tells whether the list goes on.</summary>
    private async ValueTask<(IReadOnlyList<InvitationRecord> Records, bool More)> CollectAsync(InvitationInventoryQuery query, CancellationToken cancellationToken)
    {
        var records = new List<InvitationRecord>();
        while (true)
        {
            var page = await _inventory.ListAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                if (records.Count == ListCap)
                {
                    return (records, true);
                }

                records.Add(record);
            }

            if (page.Next is null)
            {
                return (records, false);
            }

            if (records.Count == ListCap)
            {
                return (records, true);
            }

            query = query with { After = page.Next };
        }
    }

    private void Expire()
    {
        var oldest = _time.GetUtcNow() - SessionLifetime;
        foreach (var (id, session) in _sessions)
        {
            if (session.Started < oldest)
            {
                _sessions.TryRemove(id, out _);
            }
        }
    }

    private static readonly InvitationStanzaError Unavailable = new("wait", "internal-server-error", "The invitation store could not be reached; try again.");

    private static XElement BadAction(XElement stanza, string text) =>
        MixService.Error(stanza, new InvitationStanzaError("modify", "bad-request", text), new XElement(Names.Commands + "bad-action"));

    private static XElement Command(string node, string sessionId, string status) => new(
        Names.Commands + "command",
        new XAttribute("node", node),
        new XAttribute("sessionid", sessionId),
        new XAttribute("status", status));

    private static XElement Form(string type, string title, string? instructions, params XElement[] fields)
    {
        var form = new XElement(Names.DataForms + "x", new XAttribute("type", type), new XElement(Names.DataForms + "title", title));
        if (instructions is not null)
        {
            form.Add(new XElement(Names.DataForms + "instructions", instructions));
        }

        form.Add(fields);
        return form;
    }

    private static XElement Field(string var, string type, string label, IEnumerable<string> values, bool required = false, IEnumerable<(string Value, string Label)>? options = null)
    {
        var field = new XElement(Names.DataForms + "field", new XAttribute("var", var), new XAttribute("type", type), new XAttribute("label", label));
        if (required)
        {
            field.Add(new XElement(Names.DataForms + "required"));
        }

        field.Add(values.Select(v => new XElement(Names.DataForms + "value", v)));
        if (options is not null)
        {
            field.Add(options.Select(o => new XElement(Names.DataForms + "option", new XAttribute("label", o.Label), new XElement(Names.DataForms + "value", o.Value))));
        }

        return field;
    }

    private static XElement ReportedField(string var, string label) =>
        new(Names.DataForms + "field", new XAttribute("var", var), new XAttribute("label", label), new XAttribute("type", "text-single"));

    private static XElement ItemField(string var, string value) =>
        new(Names.DataForms + "field", new XAttribute("var", var), new XElement(Names.DataForms + "value", value));

    private static string PolicyLabel(string policy) => policy switch
    {
        BindingPolicies.UnboundName => "Anyone with the link",
        BindingPolicies.InviterBoundName => "Anyone with the link, in my name",
        _ => "Only the invitee",
    };

    private static string Describe(InvitationRecord record)
    {
        var who = record.Label ?? record.Invitee?.ToString() ?? record.Policy;
        return $"{who} — expires {Iso(record.ExpiresAt)} ({record.TokenId.ToString()[..8]})";
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string FieldOf(string? parameter) => parameter switch
    {
        nameof(InvitationIssueRequest.Lifetime) => "lifetime",
        nameof(InvitationIssueRequest.MaxUses) => "uses",
        nameof(InvitationIssueRequest.Label) => "label",
        nameof(InvitationIssueRequest.Invitee) => "invitee",
        nameof(InvitationIssueRequest.Policy) => "policy",
        _ => parameter ?? "form",
    };

    /// <summary>An exception message without the " (Parameter 'x')" and "Actual value was" lines .NET appends.</summary>
    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        var line = end < 0 ? message : message[..end];
        var parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return parameter < 0 ? line : line[..parameter];
    }

    private sealed record Session(string Node, Jid Requester, Jid Channel, DateTimeOffset Started);

    /// <summary>What a submitted form led to: an error (the session stays), or a note and a result form.</summary>
    private readonly record struct Outcome(InvitationStanzaError? Error, string? Note, XElement? Result)
    {
        public static Outcome BadRequest(string text) => new(new InvitationStanzaError("modify", "bad-request", text), null, null);
    }

    /// <summary>The values of a submitted form, by field var.</summary>
    private sealed class Fields
    {
        private readonly Dictionary<string, string[]> _values;

        private Fields(Dictionary<string, string[]> values) => _values = values;

        public static Fields Read(XElement form) => new(form
            .Elements(Names.DataForms + "field")
            .Where(f => f.Attribute("var") is not null)
            .GroupBy(f => (string)f.Attribute("var")!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(f => f.Elements(Names.DataForms + "value")).Select(v => v.Value.Trim()).ToArray(), StringComparer.Ordinal));

        public string? Single(string var) => _values.TryGetValue(var, out var values) && values.Length > 0 ? values[0] : null;
    }

    /// <summary>Lifetimes as admins type them: a whole number and a unit, s, m, h or d.</summary>
    internal static class Lifetime
    {
        public static bool TryParse(string text, out TimeSpan lifetime)
        {
            lifetime = default;
            text = text.Trim();
            if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 3_650 * 86_400)
            {
                return false;
            }

            lifetime = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => TimeSpan.Zero,
            };
            return lifetime > TimeSpan.Zero;
        }

        public static string Format(TimeSpan lifetime) =>
            lifetime.Ticks % TimeSpan.TicksPerDay == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lifetime.TotalDays}d")
            : lifetime.Ticks % TimeSpan.TicksPerHour == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lifetime.TotalHours}h")
            : lifetime.Ticks % TimeSpan.TicksPerMinute == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)lifetime.TotalMinutes}m")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)lifetime.TotalSeconds}s");
    }
}
