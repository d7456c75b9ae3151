using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;

namespace Mix.Invitations.Component;

/// <summary>
/// The MIX side of the component: turns each incoming stanza into its reply. Transport-free, so it can be driven by
/// <see cref="ComponentConnection"/> or by a test.
/// </summary>
/// <remarks>
/// <para>What it answers (every <c>from</c> is the one the server stamped after authenticating the sender):</para>
/// <list type="bullet">
/// <item>IQ set <c>&lt;create channel='name' xmlns='urn:xmpp:mix:core:1'/&gt;</c> to the service domain: creates an
/// invitation-only channel whose owner (and first participant) is the sender.</item>
/// <item>IQ get <c>&lt;invite xmlns='urn:xmpp:mix:misc:0'&gt;&lt;invitee&gt;jid&lt;/invitee&gt;&lt;/invite&gt;</c> to a
/// channel (XEP-0407 §6): the owner, or a participant where the channel lets participants invite, asks for an
/// invitee-bound invitation; the reply is <c>&lt;invite&gt;&lt;invitation&gt;…&lt;/invitation&gt;&lt;/invite&gt;</c>
/// with the sender as inviter.</item>
/// <item>IQ get <c>&lt;preauth xmlns='urn:xmpp:pars:0'/&gt;</c> to a channel: the same inviters ask for a single-use
/// bearer token (unbound policy, one use), answered as <c>&lt;preauth token='…'/&gt;</c>, to put in a link
/// <c>xmpp:channel?join;preauth=TOKEN</c>.</item>
/// <item>IQ get <c>&lt;pubsub xmlns='http://jabber.org/protocol/pubsub'&gt;&lt;items node='urn:xmpp:mix:nodes:config'/&gt;&lt;/pubsub&gt;</c>
/// and IQ set <c>&lt;pubsub&gt;&lt;publish node='urn:xmpp:mix:nodes:config'&gt;&lt;item&gt;&lt;x xmlns='jabber:x:data' type='submit'&gt;…</c>
/// to a channel (XEP-0406 §3.2, owner only): read and change the one configuration field this sample keeps,
/// "Participation Addition by Invitation from Participant" (boolean, default false); other fields are left as they
/// are, as XEP-0406 asks of fields not provided.</item>
/// <item>IQ set <c>&lt;join xmlns='urn:xmpp:mix:core:1'&gt;</c> to a channel, holding either an
/// <c>&lt;invitation xmlns='urn:xmpp:mix:misc:0'&gt;</c> or a <c>&lt;preauth xmlns='urn:xmpp:pars:0' token='…'/&gt;</c>:
/// checked against the sender's bare JID and the addressed channel; accepted joins add a participant (subscribed to
/// the nodes the invitation's nodes grant names, when it has one, else to the nodes the join asked for), refusals carry
/// the stanza error of <see cref="InvitationStanzaError.For"/>. A join without either is refused with
/// <c>auth/forbidden</c> unless the sender already participates.</item>
/// <item>IQ set <c>&lt;command xmlns='http://jabber.org/protocol/commands'/&gt;</c> to a channel (XEP-0050): the
/// administration commands of <see cref="AdminCommands"/>, for the channel's owner and administrators; disco#items
/// with node <c>http://jabber.org/protocol/commands</c> lists them, disco#info advertises the feature.</item>
/// </list>
/// <para>
/// Who may invite is the library's built-in issuance rules (<see cref="InvitationIssuanceRules"/>): each request
/// carries the sender's role (owner, participant, or other for anyone else) and the channel's XEP-0406 setting, and
/// a refusal goes back as <see cref="InvitationIssueResult.StanzaError"/>: <c>auth/forbidden</c> for rights,
/// <c>wait/resource-constraint</c> with the retry-after in its text for the participants' rate.
/// </para>
/// </remarks>
internal sealed class MixService
{
    private readonly ConcurrentDictionary<Jid, MixChannel> _channels = new();
    private readonly InvitationService _invitations;
    private readonly InvitationRedeemer _redemption;
    private readonly TextWriter? _log;
    private readonly TimeProvider _time;
    private readonly AdminCommands? _commands;

    public MixService(
        Jid domain,
        InvitationService invitations,
        InvitationRedeemer redemption,
        TextWriter? log = null,
        TimeProvider? timeProvider = null,
        IInvitationInventory? inventory = null,
        Uri? landingPage = null,
        TimeSpan? defaultLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(invitations);
        ArgumentNullException.ThrowIfNull(redemption);
        Domain = domain;
        _invitations = invitations;
        _redemption = redemption;
        _log = log;
        _time = timeProvider ?? TimeProvider.System;

        // The administration commands list and revoke by id, so they need the inventory the issuer records into.
        _commands = inventory is null
            ? null
            : new AdminCommands(
                invitations,
                redemption,
                inventory,
                landingPage ?? DefaultLandingPage(domain),
                defaultLifetime ?? new MixInvitationOptions().DefaultLifetime,
                _time,
                Log);
    }

    /// <summary>Gets the landing page used when none is configured: <c>https://DOMAIN/invite</c>.</summary>
    public static Uri DefaultLandingPage(Jid domain) => new($"https://{domain.Domain}/invite");

    /// <summary>Gets the administration commands, or null when the service has no inventory.</summary>
    internal AdminCommands? Commands => _commands;

    /// <summary>Gets the component's domain.</summary>
    public Jid Domain { get; }

    /// <summary>Creates the service with the library's defaults: the given options and clock, and a redeemer over an in-memory ledger.</summary>
    /// <param name="domain">The component's domain.</param>
    /// <param name="options">The invitation options (keys).</param>
    /// <param name="timeProvider">The clock, or null for the system clock.</param>
    /// <param name="log">Where one line per decision goes (never a token), or null.</param>
    /// <param name="landingPage">The page the create command's <c>landing-url</c> points at, or null for <see cref="DefaultLandingPage"/>.</param>
    /// <returns>The service.</returns>
    public static MixService Create(string domain, MixInvitationOptions options, TimeProvider? timeProvider = null, TextWriter? log = null, Uri? landingPage = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        // One node: the in-memory ledger counts the uses of single-use links, and the in-memory limiter counts the
        // participants' rate. Several nodes share a Redis ledger and limiter (package Mix.Invitations.Redis) instead.
        // Both live as long as the process.
        var ledger = new InMemoryInvitationLedger(timeProvider);

        // The cap on a channel's outstanding bearer uses needs a ledger that keeps use reservations. Where this
        // ledger does not (yet) keep them, the cap is off rather than the start-up failing; where it does, the cap
        // (1,000 uses per channel by default) applies.
        var reservations = (object)ledger as IInvitationUseReservations;
        if (reservations is null)
        {
            options.Issuance.MaxOutstandingBearerUses = null;
        }

        var rules = InvitationIssuanceRules.Create(options, new InMemoryIssuanceLimiter(timeProvider), reservations);
        // The ledger is also the inventory: every issue is recorded (with the admin's label), so the ad-hoc commands
        // can list the channel's invitations and revoke one by its id.
        var invitations = InvitationService.Create(options, timeProvider, issuancePolicies: rules, inventory: ledger);
        var redemption = new InvitationRedeemer(invitations, ledger, options: options, timeProvider: timeProvider, inventory: ledger);
        return new MixService(Jid.Parse(domain), invitations, redemption, log, timeProvider, ledger, landingPage, options.DefaultLifetime);
    }

    /// <summary>Creates an invitation-only channel owned by <paramref name="owner"/>, or returns the existing one.</summary>
    /// <param name="localpart">The channel's name.</param>
    /// <param name="owner">Its owner.</param>
    /// <returns>The channel.</returns>
    public MixChannel AddChannel(string localpart, Jid owner)
    {
        var address = Jid.Create(localpart, Domain.Domain, null);
        return _channels.GetOrAdd(address, a => new MixChannel(a, owner.Bare));
    }

    /// <summary>Finds a channel.</summary>
    /// <param name="address">The channel's JID.</param>
    /// <param name="channel">The channel, when it exists.</param>
    /// <returns>Whether it exists.</returns>
    public bool TryGetChannel(Jid address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MixChannel? channel) =>
        _channels.TryGetValue(address.Bare, out channel);

    /// <summary>Handles one stanza.</summary>
    /// <param name="stanza">The stanza as read from the component stream.</param>
    /// <param name="cancellationToken">Cancels a ledger call.</param>
    /// <returns>The reply, or null when none is due.</returns>
    public async ValueTask<XElement?> HandleAsync(XElement stanza, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        if (stanza.Name != Names.Iq)
        {
            return null; // Presence and messages are not part of this sample.
        }

        var type = (string?)stanza.Attribute("type");
        if (type is not ("get" or "set"))
        {
            return null; // Results and errors need no answer.
        }

        if (!Jid.TryParse((string?)stanza.Attribute("from") ?? string.Empty, out var from, out _)
            || !Jid.TryParse((string?)stanza.Attribute("to") ?? string.Empty, out var to, out _))
        {
            return Error(stanza, new InvitationStanzaError("modify", "jid-malformed", null));
        }

        var payload = stanza.Elements().FirstOrDefault();
        if (payload is null)
        {
            return Error(stanza, new InvitationStanzaError("modify", "bad-request", null));
        }

        if (to.Local is null)
        {
            return (type, payload.Name) switch
            {
                ("get", var n) when n == Names.DiscoInfo + "query" => Result(stanza, DiscoInfo()),
                ("get", var n) when n == Names.Ping + "ping" => Result(stanza),
                ("set", var n) when n == Names.MixCore + "create" => Create(stanza, payload, from),
                _ => Error(stanza, new InvitationStanzaError("cancel", "service-unavailable", null)),
            };
        }

        if (!TryGetChannel(to, out var channel))
        {
            return Error(stanza, new InvitationStanzaError("cancel", "item-not-found", "No such channel."));
        }

        return (type, payload.Name) switch
        {
            ("get", var n) when n == Names.MixMisc + "invite" => await InviteAsync(stanza, payload, from, channel, cancellationToken).ConfigureAwait(false),
            ("get", var n) when n == Names.Pars + "preauth" => await PreAuthAsync(stanza, from, channel, cancellationToken).ConfigureAwait(false),
            ("set", var n) when n == Names.MixCore + "join" => await JoinAsync(stanza, payload, from, channel, cancellationToken).ConfigureAwait(false),
            ("get", var n) when n == Names.PubSub + "pubsub" => ReadConfiguration(stanza, payload, from, channel),
            ("set", var n) when n == Names.PubSub + "pubsub" => Configure(stanza, payload, from, channel),
            ("get", var n) when n == Names.Ping + "ping" => Result(stanza),
            ("get", var n) when n == Names.DiscoInfo + "query" => ChannelInfo(stanza, payload),
            ("get", var n) when n == Names.DiscoItems + "query" => ChannelItems(stanza, payload, from, channel),
            ("set", var n) when n == Names.Commands + "command" && _commands is not null => await _commands.HandleAsync(stanza, payload, from, channel, cancellationToken).ConfigureAwait(false),
            _ => Error(stanza, new InvitationStanzaError("cancel", "service-unavailable", null)),
        };
    }

    /// <summary>XEP-0030 on a channel: its identity and features, or (XEP-0050 §2.3) a command node's.</summary>
    private XElement ChannelInfo(XElement stanza, XElement query)
    {
        if ((string?)query.Attribute("node") is { } node)
        {
            return AdminCommands.CommandInfo(node) is { } info
                ? Result(stanza, info)
                : Error(stanza, new InvitationStanzaError("cancel", "item-not-found", null));
        }

        var reply = new XElement(
            Names.DiscoInfo + "query",
            new XElement(Names.DiscoInfo + "identity", new XAttribute("category", "conference"), new XAttribute("type", "mix")),
            new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.MixCore.NamespaceName)),
            new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.MixMisc.NamespaceName)),
            new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.Pars.NamespaceName)));
        if (_commands is not null)
        {
            reply.Add(new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.Commands.NamespaceName)));
        }

        return Result(stanza, reply);
    }

    /// <summary>XEP-0030 items of a channel: with node <c>http://jabber.org/protocol/commands</c>, the commands (XEP-0050 §2.2).</summary>
    private XElement ChannelItems(XElement stanza, XElement query, Jid from, MixChannel channel)
    {
        var node = (string?)query.Attribute("node");
        if (node == Names.Commands.NamespaceName && _commands is not null)
        {
            return Result(stanza, AdminCommands.Items(channel, from));
        }

        return node is null
            ? Result(stanza, new XElement(Names.DiscoItems + "query"))
            : Error(stanza, new InvitationStanzaError("cancel", "item-not-found", null));
    }

    private XElement Create(XElement stanza, XElement create, Jid from)
    {
        var name = (string?)create.Attribute("channel");
        if (string.IsNullOrEmpty(name) || !Jid.TryParse($"{name}@{Domain}", out var address, out _))
        {
            return Error(stanza, new InvitationStanzaError("modify", "bad-request", "The channel name is not a valid localpart."));
        }

        if (TryGetChannel(address, out _))
        {
            return Error(stanza, new InvitationStanzaError("cancel", "conflict", "The channel exists."));
        }

        var channel = AddChannel(address.Local!, from);
        Log($"created {channel.Address} for {from.Bare}");
        return Result(stanza, new XElement(Names.MixCore + "create", new XAttribute("channel", address.Local!)));
    }

    private async ValueTask<XElement> InviteAsync(XElement stanza, XElement invite, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        // No check of the sender here: a non-participant is role "other", which the built-in rules refuse
        // (auth/forbidden), as they refuse a participant where the channel does not let participants invite.
        if (!InvitationXml.TryRead<InviteRequest>(invite, out var request, out var problem))
        {
            return Error(stanza, new InvitationStanzaError("modify", "bad-request", problem));
        }

        var invitee = request.Invitee;

        var issued = await _invitations.IssueAsync(
            new InvitationIssueRequest
            {
                Channel = channel.Address,
                Inviter = from.Bare,
                Invitee = invitee.Bare,
                Policy = BindingPolicies.InviteeBoundName,
                InviterRole = channel.RoleOf(from),
                ChannelAllowsParticipantInvitations = channel.ParticipantsMayInvite,
            },
            cancellationToken).ConfigureAwait(false);
        if (!issued.IsIssued)
        {
            return RefuseIssue(stanza, from, channel, issued);
        }

        var invitation = issued.Issued.Invitation;
        Log($"issued an invitation to {channel.Address} from {from.Bare} for {invitee.Bare}");
        return Result(stanza, new InviteResult(invitation).ToXElement());
    }

    private async ValueTask<XElement> PreAuthAsync(XElement stanza, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        var issued = await _invitations.IssueAsync(
            new InvitationIssueRequest
            {
                Channel = channel.Address,
                Inviter = from.Bare,
                Policy = BindingPolicies.UnboundName,
                MaxUses = 1,
                InviterRole = channel.RoleOf(from),
                ChannelAllowsParticipantInvitations = channel.ParticipantsMayInvite,
            },
            cancellationToken).ConfigureAwait(false);
        if (!issued.IsIssued)
        {
            return RefuseIssue(stanza, from, channel, issued);
        }

        var invitation = issued.Issued.Invitation;
        Log($"issued a single-use bearer token for {channel.Address} from {from.Bare}");
        return Result(stanza, new Preauth(invitation.Token).ToXElement());
    }

    private async ValueTask<XElement> JoinAsync(XElement stanza, XElement join, Jid from, MixChannel channel, CancellationToken cancellationToken)
    {
        var context = new InvitationContext { Channel = channel.Address, Joiner = from.Bare };
        InvitationRedemptionResult result;
        string how;
        if (join.Element(Names.Pars + "preauth") is { } preauthElement)
        {
            if (!InvitationXml.TryRead<Preauth>(preauthElement, out var preauth, out _))
            {
                return Refuse(stanza, from, channel, InvitationFailureReason.Malformed);
            }

            result = await _redemption.RedeemAsync(Invitation.FromToken(context.Channel, preauth.Token), context, cancellationToken).ConfigureAwait(false);
            how = "bearer token";
        }
        else if (join.Elements().Any(e => e.Name.LocalName == "invitation"))
        {
            // <invitation/> in urn:xmpp:mix:misc:0, or inheriting the join's namespace: the library reader takes both.
            if (!InvitationXml.TryRead<MixJoin>(join, out var mixJoin, out _))
            {
                return Refuse(stanza, from, channel, InvitationFailureReason.Malformed);
            }

            result = await _redemption.RedeemAsync(mixJoin.Invitation, context, cancellationToken).ConfigureAwait(false);
            how = "invitation";
        }
        else if (channel.IsParticipant(from))
        {
            return Joined(stanza, join, channel, from);
        }
        else
        {
            Log($"refused {from.Bare} joining {channel.Address}: no invitation");
            return Error(stanza, new InvitationStanzaError("auth", "forbidden", "This channel is joined by invitation."));
        }

        if (!result.IsValid)
        {
            return Refuse(stanza, from, channel, result.Reason);
        }

        var grants = result.Claims.Grants;
        Log($"{from.Bare} joined {channel.Address} with a {result.Claims.Policy} {how}{(result.Claims.IsNarrowed ? " (a narrowed copy)" : string.Empty)}{(grants is { Nodes: not MixNodes.None } ? $", subscribed to the {grants.NodeNames.Count} node(s) it grants" : string.Empty)}");
        return Joined(stanza, join, channel, from, grants?.Nodes ?? MixNodes.None);
    }

    private XElement RefuseIssue(XElement stanza, Jid from, MixChannel channel, InvitationIssueResult result)
    {
        Log($"refused an invitation to {channel.Address} from {from.Bare}: {result}");
        return Error(stanza, result.StanzaError);
    }

    /// <summary>XEP-0406 §3.2: the configuration form, to the owner (the default "Configuration Node Access").</summary>
    private static XElement ReadConfiguration(XElement stanza, XElement pubsub, Jid from, MixChannel channel)
    {
        if (pubsub.Element(Names.PubSub + "items") is not { } items || (string?)items.Attribute("node") != Names.ConfigNode)
        {
            return Error(stanza, new InvitationStanzaError("cancel", "feature-not-implemented", "Only the configuration node is served."));
        }

        if (from.Bare != channel.Owner)
        {
            return Error(stanza, new InvitationStanzaError("auth", "forbidden", "Only the owner may read the configuration."));
        }

        return Result(stanza, new XElement(
            Names.PubSub + "pubsub",
            new XElement(
                Names.PubSub + "items",
                new XAttribute("node", Names.ConfigNode),
                new XElement(Names.PubSub + "item", ConfigurationForm("form", channel)))));
    }

    /// <summary>XEP-0406 §3.2: the owner publishes a form; the fields given change, the others stay.</summary>
    private XElement Configure(XElement stanza, XElement pubsub, Jid from, MixChannel channel)
    {
        if (pubsub.Element(Names.PubSub + "publish") is not { } publish || (string?)publish.Attribute("node") != Names.ConfigNode)
        {
            return Error(stanza, new InvitationStanzaError("cancel", "feature-not-implemented", "Only the configuration node is served."));
        }

        if (from.Bare != channel.Owner)
        {
            return Error(stanza, new InvitationStanzaError("auth", "forbidden", "Only the owner may change the configuration."));
        }

        var form = publish.Descendants(Names.DataForms + "x").FirstOrDefault();
        if (form is null || (string?)form.Attribute("type") != "submit")
        {
            return Error(stanza, new InvitationStanzaError("modify", "bad-request", "A submitted data form is expected."));
        }

        var field = form.Elements(Names.DataForms + "field").FirstOrDefault(f => (string?)f.Attribute("var") == Names.ParticipantInvitationField);
        if (field is not null)
        {
            // XEP-0004 booleans: "1"/"true" and "0"/"false".
            switch (((string?)field.Element(Names.DataForms + "value"))?.Trim())
            {
                case "1" or "true": channel.ParticipantsMayInvite = true; break;
                case "0" or "false": channel.ParticipantsMayInvite = false; break;
                default: return Error(stanza, new InvitationStanzaError("modify", "not-acceptable", $"'{Names.ParticipantInvitationField}' is a boolean."));
            }

            Log($"{from.Bare} set participants may invite to {channel.ParticipantsMayInvite} in {channel.Address}");
        }

        var administrators = form.Elements(Names.DataForms + "field").FirstOrDefault(f => (string?)f.Attribute("var") == Names.AdministratorField);
        if (administrators is not null)
        {
            var jids = new List<Jid>();
            foreach (var value in administrators.Elements(Names.DataForms + "value").Select(v => v.Value.Trim()).Where(v => v.Length > 0))
            {
                if (!Jid.TryParse(value, out var jid, out var problem))
                {
                    return Error(stanza, new InvitationStanzaError("modify", "not-acceptable", $"'{Names.AdministratorField}' holds a value that is not a JID: {problem}"));
                }

                jids.Add(jid.Bare);
            }

            channel.Administrators = jids;
            Log($"{from.Bare} set {jids.Count} administrator(s) in {channel.Address}");
        }

        var id = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return Result(stanza, new XElement(
            Names.PubSub + "pubsub",
            new XElement(Names.PubSub + "publish", new XAttribute("node", Names.ConfigNode), new XElement(Names.PubSub + "item", new XAttribute("id", id)))));
    }

    private static XElement ConfigurationForm(string type, MixChannel channel) => new(
        Names.DataForms + "x",
        new XAttribute("type", type),
        new XElement(Names.DataForms + "field", new XAttribute("var", "FORM_TYPE"), new XAttribute("type", "hidden"), new XElement(Names.DataForms + "value", Names.MixAdmin)),
        new XElement(Names.DataForms + "field", new XAttribute("var", "Owner"), new XAttribute("type", "jid-multi"), new XElement(Names.DataForms + "value", channel.Owner.ToString())),
        new XElement(
            Names.DataForms + "field",
            new XAttribute("var", Names.AdministratorField),
            new XAttribute("type", "jid-multi"),
            channel.Administrators.Select(a => new XElement(Names.DataForms + "value", a.ToString()))),
        new XElement(
            Names.DataForms + "field",
            new XAttribute("var", Names.ParticipantInvitationField),
            new XAttribute("type", "boolean"),
            new XElement(Names.DataForms + "value", channel.ParticipantsMayInvite ? "true" : "false")));

    private XElement Refuse(XElement stanza, Jid from, MixChannel channel, InvitationFailureReason reason)
    {
        Log($"refused {from.Bare} joining {channel.Address}: {reason}");
        return Error(stanza, InvitationStanzaError.For(reason));
    }

    /// <summary>
    /// Adds the participant and answers the join (XEP-0369 §7.1.2): the participant id and the nodes subscribed to. The
    /// channel decides those nodes, and the join's <c>&lt;subscribe/&gt;</c> elements are a request: without a nodes grant
    /// the sample subscribes what was asked; with one (<see cref="InvitationGrants.Nodes"/>, signed into the invitation's
    /// token), the grant defines the subscription — exactly the granted nodes, in place of what was asked, whatever the
    /// client requested — since the inviter chose them and the tag covers them.
    /// </summary>
    private static XElement Joined(XElement stanza, XElement join, MixChannel channel, Jid from, MixNodes grantedNodes = MixNodes.None)
    {
        var id = channel.Join(from);
        var nodes = grantedNodes != MixNodes.None
            ? InvitationGrants.NamesOf(grantedNodes)
            : join.Elements(Names.MixCore + "subscribe").Select(s => (string?)s.Attribute("node") ?? string.Empty).ToList();
        var reply = new XElement(Names.MixCore + "join", new XAttribute("id", id));
        reply.Add(nodes.Select(node => new XElement(Names.MixCore + "subscribe", new XAttribute("node", node))));
        return Result(stanza, reply);
    }

    private static XElement DiscoInfo() => new(
        Names.DiscoInfo + "query",
        new XElement(Names.DiscoInfo + "identity", new XAttribute("category", "conference"), new XAttribute("type", "mix"), new XAttribute("name", "Mix.Invitations sample")),
        new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.MixCore.NamespaceName)),
        new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.MixMisc.NamespaceName)),
        new XElement(Names.DiscoInfo + "feature", new XAttribute("var", Names.Pars.NamespaceName)));

    internal static XElement Result(XElement request, XElement? payload = null)
    {
        var reply = Reply(request, "result");
        if (payload is not null)
        {
            reply.Add(payload);
        }

        return reply;
    }

    /// <summary>An error reply; <paramref name="specific"/> is an application-specific condition (RFC 6120 §8.4) added after the defined one.</summary>
    internal static XElement Error(XElement request, InvitationStanzaError error, XElement? specific = null)
    {
        var reply = Reply(request, "error");
        var element = error.ToXElement(Names.Component.NamespaceName);
        if (specific is not null)
        {
            element.Elements().First().AddAfterSelf(specific);
        }

        reply.Add(element);
        return reply;
    }

    private static XElement Reply(XElement request, string type) => new(
        Names.Iq,
        new XAttribute("type", type),
        new XAttribute("id", (string?)request.Attribute("id") ?? string.Empty),
        new XAttribute("from", (string?)request.Attribute("to") ?? string.Empty),
        new XAttribute("to", (string?)request.Attribute("from") ?? string.Empty));

    private void Log(string message) => _log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"component: {message}"));
}
