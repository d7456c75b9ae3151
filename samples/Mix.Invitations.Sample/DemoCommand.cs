using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>
/// <c>demo</c> (also what runs with no arguments): the life of an invitation in numbered steps — configure, issue,
/// join, refuse another user, tamper, expire, and a single-use link redeemed twice. Everything runs in this process
/// with a public demo key, the in-memory ledger, and a clock the demo moves forward instead of waiting.
/// </summary>
internal static class DemoCommand
{
    private static readonly Jid Channel = Jid.Parse("coven@mix.shakespeare.example");
    private static readonly Jid Inviter = Jid.Parse("hag66@shakespeare.example");
    private static readonly Jid Invitee = Jid.Parse("cat@shakespeare.example");
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
        var service = SampleServices.Create(key, clock);
        using var ledger = new InMemoryInvitationLedger(clock);
        var redeemer = new InvitationRedeemer(service, ledger);
        steps.Line($"Configure: key {SigningKey.KeyId} is {key.Source}; the ledger is in memory; the clock is the demo's own, so it can move forward.");

        // 2. Issue an invitee-bound invitation, as the channel answers hag66's <invite/> request.
        var invitation = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Invitee = Invitee, Policy = BindingPolicies.InviteeBoundName, Lifetime = Lifetime }, cancellationToken)).Issued.Invitation;
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
        var bearer = (await service.IssueAsync(new InvitationIssueRequest { Channel = Channel, Inviter = Inviter, Policy = BindingPolicies.UnboundName, Lifetime = TimeSpan.FromDays(1), MaxUses = 1 }, cancellationToken)).Issued.Invitation;
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

        output.WriteLine();
        if (steps.Unexpected > 0)
        {
            output.WriteLine($"{steps.Unexpected} step(s) did not turn out as expected.");
            return Program.Refused;
        }

        output.WriteLine("Every step turned out as expected. Next: `issue --help` and `verify --help` (a real key is created on first use).");
        return Program.Success;
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
