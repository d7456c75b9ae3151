using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>demo</c> (also what runs with no arguments): the life of an invitation in numbered steps — configure, issue,
/// join, refuse another user, tamper, expire, a single-use link redeemed twice, the channel's list of invitations, an
/// inviter who loses the right to invite, and a moderator's bearer link narrowed offline to one newcomer, sharing its uses. Everything runs in this process with a public demo key, the in-memory
/// ledger (also the inventory), and a clock the demo moves forward instead of waiting.
/// </summary>
internal static class DemoCommand
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    private static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    private static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");
    private static readonly Jid PendingInvitee = Jid.Parse("mouse@shakespeare.example");
    private static readonly Uri LandingPage = new("https://invite.example/");
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static Command Create(SampleEnvironment environment)
    {
        var command = new Command("demo", "Walk through an invitation's life in numbered steps (what runs with no command).");
        command.SetAction((parse, cancellationToken) => RunAsync(parse.InvocationConfiguration.Output, environment, cancellationToken));
        return command;
    }

    /// <summary>Runs the demo.</summary>
    /// <returns>0 when every step turned out as the library promises, 1 otherwise.</returns>
    public static async Task<int> RunAsync(TextWriter output, SampleEnvironment environment, CancellationToken cancellationToken)
    {
        var steps = new StepWriter(output);
        output.WriteLine("Mix.Invitations demo: a MIX channel hands out invitations (XEP-0407) and checks them when they come back in a <join/>.");
        output.WriteLine();

        // 1. Configure.
        var clock = new AdjustableTimeProvider(environment.TimeProvider);
        var key = SigningKey.Demo;
        using var ledger = new InMemoryInvitationLedger(clock);
        var service = SampleServices.Create(key, clock, inventory: ledger);
        var redeemer = SampleServices.CreateRedeemer(service, ledger, ledger, clock);
        steps.Line($"Configure: key {SigningKey.KeyId} is {key.Source}; the ledger is in memory; the clock is the demo's own, so it can move forward.");

        // 2. Issue an invitee-bound invitation, as the channel answers hag66's <invite/> request.
        var invitation = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.InviteeBoundName, Lifetime = Lifetime, Label = "for cat" }, cancellationToken)).Issued.Invitation;
        steps.Line($"Issue: {Inviter} invites {Invitee} to {Channel} (invitee-bound, valid {Sample.Lifetime.Format(Lifetime)}). The <invitation/> the channel returns:");
        steps.Block(invitation.ToXElement().ToString());

        // 3. The invitee joins. The server reads the <join/> and takes the joiner from the stanza's stamped 'from'.
        var join = InvitationXml.Read<MixJoin>(new MixJoin(invitation).ToXml());
        var cat = Jid.Parse("cat@shakespeare.example/balcony");
        var accepted = await redeemer.RedeemAsync(join.Invitation, new InvitationContext { Channel = Channel, Joiner = cat }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Join: {cat} presents it in a <join/> to {Channel}", accepted, expectValid: true);

        // 4. Someone else presents the same invitation.
        var rat = Jid.Parse("rat@shakespeare.example/cellar");
        var otherUser = await redeemer.RedeemAsync(join.Invitation, new InvitationContext { Channel = Channel, Joiner = rat }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Join as someone else: {rat} presents the same invitation", otherUser, expectValid: false, InvitationFailureReason.InviteeMismatch);

        // 5. Tamper: one character of the token. A position inside the tag, away from the last character, whose low
        //    bits are padding.
        var position = invitation.Token.Length - 6;
        var original = invitation.Token[position];
        var replacement = original == 'A' ? 'B' : 'A';
        var tampered = new Invitation(invitation.Channel, string.Concat(invitation.Token.AsSpan(0, position), replacement.ToString(), invitation.Token.AsSpan(position + 1)), invitation.Inviter, invitation.Invitee);
        var forged = await redeemer.RedeemAsync(tampered, new InvitationContext { Channel = Channel, Joiner = cat }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Tamper: one character of the token changed ('{original}' -> '{replacement}' at position {position + 1}), presented by {cat.Bare}", forged, expectValid: false, InvitationFailureReason.BadSignature);

        // 6. Expire: move the clock past the expiry and the tolerance for clock skew.
        var jump = Lifetime + TimeSpan.FromMinutes(1);
        clock.Advance(jump);
        var late = await redeemer.RedeemAsync(invitation, new InvitationContext { Channel = Channel, Joiner = cat }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Expire: the clock moves forward {Sample.Lifetime.Format(Lifetime)} and 1m, and {cat.Bare} presents the invitation again", late, expectValid: false, InvitationFailureReason.Expired);

        // 7. A single-use link anyone may redeem, for a web page or a QR code.
        var bearer = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromDays(1), MaxUses = 1, Label = "flyer link" }, cancellationToken)).Issued.Invitation;
        var link = InvitationUri.ToLandingLink(bearer, LandingPage);
        steps.Line("Issue a link: a single-use invitation anyone holding it may redeem (unbound, 1 use, valid 1d), as a web page shows it:");
        steps.Block(link);

        // 8 and 9. Two people follow the link; the ledger counts the use.
        var fromLink = InvitationUri.Parse(link);
        var juliet = Jid.Parse("juliet@capulet.example/balcony");
        var first = await redeemer.RedeemAsync(fromLink, new InvitationContext { Channel = fromLink.Channel, Joiner = juliet }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Redeem: {juliet} follows the link and joins (the ledger records use 1 of 1)", first, expectValid: true);
        var romeo = Jid.Parse("romeo@montague.example/orchard");
        var second = await redeemer.RedeemAsync(fromLink, new InvitationContext { Channel = fromLink.Channel, Joiner = romeo }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Redeem again: {romeo} follows the same link", second, expectValid: false, InvitationFailureReason.UsesExhausted);

        // 10. A pending invitation, not redeemed yet, a minute later (so the list's newest-first order is by issue time
        //     alone, and cat's expired invitation is still kept: expiry + 30 s tolerance + 5 min retention margin).
        clock.Advance(TimeSpan.FromMinutes(1));
        var pending = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = PendingInvitee, Policy = BindingPolicies.InviteeBoundName, Lifetime = Lifetime, Label = "for mouse" }, cancellationToken)).Issued.Invitation;
        steps.Line($"Invite again: a minute later {Inviter} invites {PendingInvitee} (invitee-bound, valid {Sample.Lifetime.Format(Lifetime)}, labelled \"for mouse\"); {PendingInvitee} has not joined yet.");

        // 11. What an operator sees: the inventory (the ledger itself) lists the channel, uses and states from the ledger.
        var listed = await ledger.ListAsync(new InvitationInventoryQuery { Channel = Channel }, cancellationToken).ConfigureAwait(false);
        steps.Listing("List: the channel's invitations, newest first, as an operator sees them (ids, uses, states and labels, never the tokens)", listed.Records, InvitationState.Active, InvitationState.Exhausted, InvitationState.Expired);
        ListCommand.WriteTable(output, listed.Records, "     ");

        // 12. hag66 loses the right to invite an hour later: one cut-off revokes what they issued, without a list of tokens.
        clock.Advance(TimeSpan.FromHours(1));
        var cutOff = await redeemer.RevokeInviterAsync(Channel, Inviter, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mouse = Jid.Parse("mouse@shakespeare.example/hole");
        var refused = await redeemer.RedeemAsync(pending, new InvitationContext { Channel = Channel, Joiner = mouse }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Lose the right to invite: an hour later {Inviter} is no longer allowed to invite, so every invitation they issued is revoked{(cutOff ? string.Empty : "  [UNEXPECTED: the cut-off was not stored]")}, and {mouse} presents the pending one", refused, expectValid: false, InvitationFailureReason.Revoked);

        // 13 to 21. Offline narrowing (issue 19): a moderator's bearer link, a copy only one newcomer can use, made with
        //          no key, and uses shared between the original and its copies.
        await NarrowingStepsAsync(service, redeemer, steps, cancellationToken).ConfigureAwait(false);

        output.WriteLine();
        if (steps.Unexpected > 0)
        {
            output.WriteLine($"{steps.Unexpected} step(s) did not turn out as expected.");
            return Program.Refused;
        }

        output.WriteLine("Every step turned out as expected. Next: `issue --help` and `verify --help` (a real key is created on first use); `narrow --help` (no key needed); `list` and `revoke` across runs with --redis.");
        return Program.Success;
    }

    /// <summary>
    /// A moderator holds a 3-use bearer link and, with no key, narrows a copy to one newcomer and another to a second who
    /// comes later. The newcomer joins with theirs; nobody else can use it; the original still admits others; and the copies
    /// spend the original's uses, so once three people joined, the original and the late newcomer's copy are both refused.
    /// </summary>
    private static async Task NarrowingStepsAsync(InvitationService service, InvitationRedeemer redeemer, StepWriter steps, CancellationToken cancellationToken)
    {
        const int Uses = 3;
        var moderatorLink = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromDays(1), MaxUses = Uses, Label = "moderator link" }, cancellationToken)).Issued.Invitation;
        var original = InvitationUri.ToLandingLink(moderatorLink, LandingPage);
        steps.Line($"Issue a link for a moderator: a bearer invitation with {Uses} uses (unbound, {Uses} uses, valid 1d), as a web page shows it:");
        steps.Block(original);

        // The moderator narrows it on their own device: no key, no call to the service.
        var viola = Jid.Parse("viola@illyria.example");
        var forViola = InvitationUri.Parse(original).Narrow(new InvitationRestrictions { Invitee = viola });
        var violaLink = forViola.IsNarrowed ? InvitationUri.ToLandingLink(forViola.Invitation, LandingPage) : null;
        steps.Checked(
            $"Narrow, with no key: the moderator binds a copy of the link to one newcomer, {viola} (as `narrow --invitee` does); the copy, {forViola.Invitation?.Token.Length} characters of token (the original's {moderatorLink.Token.Length}):",
            forViola);
        steps.Block(violaLink ?? "(none)");

        var olivia = Jid.Parse("olivia@illyria.example");
        var forOlivia = moderatorLink.Narrow(new InvitationRestrictions { Invitee = olivia });
        steps.Checked($"Narrow again: a second copy for {olivia}, who will come later; both copies are the original to the ledger and share its {Uses} uses.", forOlivia);

        var violaCopy = violaLink is null ? moderatorLink : InvitationUri.Parse(violaLink);
        var violaAt = Jid.Parse("viola@illyria.example/ship");
        var joined = await redeemer.RedeemAsync(violaCopy, new InvitationContext { Channel = violaCopy.Channel, Joiner = violaAt }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Join with the copy: {violaAt} follows her link (the ledger records use 1 of {Uses}, against the original)", joined, expectValid: true);

        var orsino = Jid.Parse("orsino@illyria.example/court");
        var notHers = await redeemer.RedeemAsync(violaCopy, new InvitationContext { Channel = violaCopy.Channel, Joiner = orsino }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Someone else with the copy: {orsino} presents {viola.Local}'s link", notHers, expectValid: false, InvitationFailureReason.InviteeMismatch);

        var fromOriginal = InvitationUri.Parse(original);
        var sebastian = Jid.Parse("sebastian@illyria.example/shore");
        var second = await redeemer.RedeemAsync(fromOriginal, new InvitationContext { Channel = fromOriginal.Channel, Joiner = sebastian }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"The original still works for others: {sebastian} follows the moderator's link (use 2 of {Uses})", second, expectValid: true);
        var antonio = Jid.Parse("antonio@illyria.example/harbour");
        var third = await redeemer.RedeemAsync(fromOriginal, new InvitationContext { Channel = fromOriginal.Channel, Joiner = antonio }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"And again: {antonio} follows it (use 3 of {Uses}: {viola.Local}'s use counted)", third, expectValid: true);

        var malvolio = Jid.Parse("malvolio@illyria.example/garden");
        var exhausted = await redeemer.RedeemAsync(fromOriginal, new InvitationContext { Channel = fromOriginal.Channel, Joiner = malvolio }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"Uses are shared: {malvolio} follows the moderator's link", exhausted, expectValid: false, InvitationFailureReason.UsesExhausted);

        var oliviaAt = Jid.Parse("olivia@illyria.example/house");
        var oliviaCopy = forOlivia.Invitation ?? moderatorLink;
        var late = await redeemer.RedeemAsync(oliviaCopy, new InvitationContext { Channel = oliviaCopy.Channel, Joiner = oliviaAt }, cancellationToken).ConfigureAwait(false);
        steps.Outcome($"And the copies with it: {oliviaAt} presents her copy, narrowing never multiplies uses", late, expectValid: false, InvitationFailureReason.UsesExhausted);
    }

    /// <summary>Numbers the steps and checks each outcome against what the library promises.</summary>
    private sealed class StepWriter
    {
        private readonly TextWriter _output;
        private int _number;

        public StepWriter(TextWriter output) => _output = output;

        public int Unexpected { get; private set; }

        public void Line(string text) => _output.WriteLine($"{++_number}. {text}");

        public void Block(string text)
        {
            foreach (var line in text.Split('\n'))
            {
                _output.WriteLine($"     {line.TrimEnd('\r')}");
            }
        }

        /// <summary>A step that lists invitations, checked to hold exactly the expected states, newest first.</summary>
        public void Listing(string what, IReadOnlyList<InvitationRecord> records, params InvitationState[] expected)
        {
            var states = records.Select(r => r.State).ToArray();
            var line = $"{what}:";
            if (!states.SequenceEqual(expected))
            {
                Unexpected++;
                line += $"  [UNEXPECTED: should have listed {string.Join(", ", expected.Select(ListCommand.Name))}]";
            }

            Line(line);
        }

        /// <summary>A narrowing step, checked to have narrowed.</summary>
        public void Checked(string what, InvitationNarrowingResult result)
        {
            if (!result.IsNarrowed)
            {
                Unexpected++;
                what += $"  [UNEXPECTED: not narrowed, {result.Error}]";
            }

            Line(what);
        }

        public void Outcome(string what, InvitationRedemptionResult result, bool expectValid, InvitationFailureReason expectedReason = InvitationFailureReason.None)
        {
            var verdict = result.IsValid
                ? $"ACCEPTED ({result.Claims.Policy}, key {result.Claims.KeyId}, expires {Inputs.Instant(result.Claims.ExpiresAt)})"
                : $"REFUSED, {result.Reason} -> {result.StanzaError}";
            var expected = result.IsValid == expectValid && (expectValid || result.Reason == expectedReason);
            if (!expected)
            {
                Unexpected++;
                verdict += expectValid ? "  [UNEXPECTED: should have been accepted]" : $"  [UNEXPECTED: should have been refused with {expectedReason}]";
            }

            Line($"{what}: {verdict}");
        }
    }
}
