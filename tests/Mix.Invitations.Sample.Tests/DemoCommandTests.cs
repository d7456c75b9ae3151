using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Run_NoArguments_RunsTheDemo()
    {
        var bare = _host.Run();
        var named = _host.Run("demo");

        bare.ExitCode.Should().Be(0, bare.ToString());
        bare.Output.Should().Contain("1. Configure").And.Contain("9. Redeem again").And.Contain("12. Lose the right to invite").And.Contain("21. And the copies with it");
        // The same steps; only the random parts (tokens, the link) differ between runs.
        StepHeads(bare).Should().Equal(StepHeads(named));
    }

    [Fact]
    public void Run_Demo_PrintsTwentyOneNumberedStepsInOrder()
    {
        var run = _host.Run("demo");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Error.Should().BeEmpty();
        var steps = run.OutputLines.Where(l => l.Length > 2 && char.IsAsciiDigit(l[0])).ToArray();
        steps.Select(s => s[..s.IndexOf(' ', StringComparison.Ordinal)]).Should().Equal("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", "10.", "11.", "12.", "13.", "14.", "15.", "16.", "17.", "18.", "19.", "20.", "21.");
        run.Output.Should().NotContain("UNEXPECTED");
        run.Output.Should().EndWith("Every step turned out as expected. Next: `issue --help` and `verify --help` (a real key is created on first use); `narrow --help` (no key needed); `list` and `revoke` across runs with --redis." + Environment.NewLine);
    }

    [Fact]
    public void Run_Demo_StepOneConfiguresTheLabelledDemoKeyAndTouchesNoKeyFolder()
    {
        var run = _host.Run("demo");

        Step(run, 1).Should().Be("1. Configure: key 1 is the built-in DEMO key (public: for this demo only); the ledger is in memory; the clock is the demo's own, so it can move forward.");
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse("the demo uses its own public key and never creates a dev key");
    }

    [Fact]
    public void Run_Demo_StepTwoPrintsTheXep0407InvitationXml()
    {
        var run = _host.Run("demo");

        Step(run, 2).Should().Be("2. Issue: hag66@shakespeare.example invites cat@shakespeare.example to coven@mix.shakespeare.example (invitee-bound, valid 7d). The <invitation/> the channel returns:");
        var xml = ExtractInvitationXml(run);
        var invitation = InvitationXml.Read<Invitation>(xml);
        invitation.Channel.ToString().Should().Be("coven@mix.shakespeare.example");
        invitation.Inviter.ToString().Should().Be("hag66@shakespeare.example");
        invitation.Invitee.ToString().Should().Be("cat@shakespeare.example");
        invitation.Token.Should().HaveLength(38);
        xml.Should().StartWith("<invitation xmlns=\"urn:xmpp:mix:misc:0\">");
    }

    [Fact]
    public void Run_Demo_StepThreeAcceptsTheInvitee()
    {
        var run = _host.Run("demo");

        // The demo's clock wraps the host's fake clock, so the expiry is exact: start + 7 days.
        Step(run, 3).Should().Be("3. Join: cat@shakespeare.example/balcony presents it in a <join/> to coven@mix.shakespeare.example: ACCEPTED (invitee-bound, key 1, expires 2026-03-21T15:09:26Z)");
    }

    [Fact]
    public void Run_Demo_StepFourRefusesSomeoneElseWithTheReason()
    {
        var run = _host.Run("demo");

        Step(run, 4).Should().Be("4. Join as someone else: rat@shakespeare.example/cellar presents the same invitation: REFUSED, InviteeMismatch -> auth/forbidden: The invitation was issued to another user.");
    }

    [Fact]
    public void Run_Demo_StepFiveRefusesATokenWithOneCharacterChanged()
    {
        var run = _host.Run("demo");

        var token = InvitationXml.Read<Invitation>(ExtractInvitationXml(run)).Token;
        var original = token[32];
        var replacement = original == 'A' ? 'B' : 'A';
        Step(run, 5).Should().Be($"5. Tamper: one character of the token changed ('{original}' -> '{replacement}' at position 33), presented by cat@shakespeare.example: REFUSED, BadSignature -> auth/forbidden: The invitation is not valid.");
    }

    [Fact]
    public void Run_Demo_StepSixRefusesTheInvitationAfterTheClockPassesItsExpiry()
    {
        var run = _host.Run("demo");

        Step(run, 6).Should().Be("6. Expire: the clock moves forward 7d and 1m, and cat@shakespeare.example presents the invitation again: REFUSED, Expired -> cancel/not-allowed: The invitation has expired.");
        _host.Time.GetUtcNow().Should().Be(SampleHost.Start, "the demo moves its own clock, not the one it wraps");
    }

    [Fact]
    public void Run_Demo_StepsSevenToNineRedeemASingleUseLinkOnce()
    {
        var run = _host.Run("demo");

        Step(run, 7).Should().Be("7. Issue a link: a single-use invitation anyone holding it may redeem (unbound, 1 use, valid 1d), as a web page shows it:");
        var link = run.OutputLines.SkipWhile(l => !l.StartsWith("7.", StringComparison.Ordinal)).Skip(1).First().Trim();
        link.Should().StartWith("https://invite.example/#coven@mix.shakespeare.example?join;preauth=");
        var invitation = InvitationUri.Parse(link);
        invitation.Channel.ToString().Should().Be("coven@mix.shakespeare.example");
        invitation.Token.Length.Should().BeGreaterThan(38, "a use-limited token carries a nonce and the limit");

        Step(run, 8).Should().Be("8. Redeem: juliet@capulet.example/balcony follows the link and joins (the ledger records use 1 of 1): ACCEPTED (unbound, key 1, expires 2026-03-22T15:10:26Z)");
        Step(run, 9).Should().Be("9. Redeem again: romeo@montague.example/orchard follows the same link: REFUSED, UsesExhausted -> cancel/not-allowed: The invitation has already been used.");
    }

    [Fact]
    public void Run_Demo_StepTenIssuesAPendingLabelledInvitation()
    {
        var run = _host.Run("demo");

        Step(run, 10).Should().Be("10. Invite again: a minute later hag66@shakespeare.example invites mouse@shakespeare.example (invitee-bound, valid 7d, labelled \"for mouse\"); mouse@shakespeare.example has not joined yet.");
    }

    [Fact]
    public void Run_Demo_StepElevenListsTheChannelNewestFirst_WithLabelsUsesAndStates_NeverATokens()
    {
        var run = _host.Run("demo");

        Step(run, 11).Should().Be("11. List: the channel's invitations, newest first, as an operator sees them (ids, uses, states and labels, never the tokens):");
        var table = run.OutputLines.SkipWhile(l => !l.StartsWith("11. ", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("12. ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
        table.Should().HaveCount(4);
        Cells(table[0]).Should().Equal("id", "issued", "expires", "uses", "state", "policy", "inviter", "invitee", "label");

        // Newest first: mouse's (start + 7d 2m), the link (start + 7d 1m), cat's (start).
        Cells(table[1]).Skip(1).Should().Equal("2026-03-21T15:11:26Z", "2026-03-28T15:11:26Z", "unlimited", "active", "invitee-bound", "hag66@shakespeare.example", "mouse@shakespeare.example", "for", "mouse");
        Cells(table[2]).Skip(1).Should().Equal("2026-03-21T15:10:26Z", "2026-03-22T15:10:26Z", "1/1", "exhausted", "unbound", "-", "-", "flyer", "link");
        Cells(table[3]).Skip(1).Should().Equal("2026-03-14T15:09:26Z", "2026-03-21T15:09:26Z", "unlimited", "expired", "invitee-bound", "hag66@shakespeare.example", "cat@shakespeare.example", "for", "cat");
        table.Skip(1).Select(l => Cells(l)[0]).Should().OnlyContain(id => id.Length == 32 && id.All(char.IsAsciiHexDigitLower), "each row starts with the invitation's id");

        var token = InvitationXml.Read<Invitation>(ExtractInvitationXml(run)).Token;
        string.Join("\n", table).Should().NotContain(token);
    }

    [Fact]
    public void Run_Demo_StepTwelveRevokesTheInvitersInvitations_AndThePendingOneIsRefused()
    {
        var run = _host.Run("demo");

        Step(run, 12).Should().Be("12. Lose the right to invite: an hour later hag66@shakespeare.example is no longer allowed to invite, so every invitation they issued is revoked, and mouse@shakespeare.example/hole presents the pending one: REFUSED, Revoked -> cancel/not-allowed: The invitation has been revoked.");
    }

    [Fact]
    public void Run_Demo_StepsThirteenToFifteenIssueAModeratorsLinkAndNarrowCopiesWithNoKey()
    {
        var run = _host.Run("demo");

        Step(run, 13).Should().Be("13. Issue a link for a moderator: a bearer invitation with 3 uses (unbound, 3 uses, valid 1d), as a web page shows it:");
        var original = InvitationUri.Parse(BlockAfter(run, 13));
        original.Invitee.Should().BeNull("the moderator's link is a bearer link");

        Step(run, 14).Should().Be($"14. Narrow, with no key: the moderator binds a copy of the link to one newcomer, viola@illyria.example (as `narrow --invitee` does); the copy, {original.Token.Length + 1} characters of token (the original's {original.Token.Length}):");
        var copyLink = BlockAfter(run, 14);
        copyLink.Should().StartWith("https://invite.example/#coven@mix.shakespeare.example?join;preauth=").And.EndWith(";invitee=viola%40illyria.example");
        var copy = InvitationUri.Parse(copyLink);
        copy.Invitee.ToString().Should().Be("viola@illyria.example");
        copy.Token.Should().NotBe(original.Token);
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse("narrowing needs no key, and the demo creates none");

        Step(run, 15).Should().Be("15. Narrow again: a second copy for olivia@illyria.example, who will come later; both copies are the original to the ledger and share its 3 uses.");
    }

    [Fact]
    public void Run_Demo_StepsSixteenToTwentyOne_TheNewcomerJoins_NobodyElse_AndTheUsesAreShared()
    {
        var run = _host.Run("demo");

        // Issued after the clock moved 7d 2m and an hour: start + 7d 1h 2m, valid a day.
        const string Accepted = "ACCEPTED (unbound, key 1, expires 2026-03-22T16:11:26Z)";
        const string Exhausted = "REFUSED, UsesExhausted -> cancel/not-allowed: The invitation has already been used.";
        Step(run, 16).Should().Be($"16. Join with the copy: viola@illyria.example/ship follows her link (the ledger records use 1 of 3, against the original): {Accepted}");
        Step(run, 17).Should().Be("17. Someone else with the copy: orsino@illyria.example/court presents viola's link: REFUSED, InviteeMismatch -> auth/forbidden: The invitation was issued to another user.");
        Step(run, 18).Should().Be($"18. The original still works for others: sebastian@illyria.example/shore follows the moderator's link (use 2 of 3): {Accepted}");
        Step(run, 19).Should().Be($"19. And again: antonio@illyria.example/harbour follows it (use 3 of 3: viola's use counted): {Accepted}");
        Step(run, 20).Should().Be($"20. Uses are shared: malvolio@illyria.example/garden follows the moderator's link: {Exhausted}");
        Step(run, 21).Should().Be($"21. And the copies with it: olivia@illyria.example/house presents her copy, narrowing never multiplies uses: {Exhausted}");
    }

    private static string BlockAfter(SampleRun run, int step) =>
        run.OutputLines.SkipWhile(l => !l.StartsWith($"{step}. ", StringComparison.Ordinal)).Skip(1).First().Trim();

    private static string[] Cells(string row) => row.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Step(SampleRun run, int number) =>
        run.OutputLines.Single(l => l.StartsWith($"{number}. ", StringComparison.Ordinal));

    private static string[] StepHeads(SampleRun run) =>
        run.OutputLines.Where(l => l.Length > 2 && char.IsAsciiDigit(l[0])).Select(l => l.Split(':')[0]).ToArray();

    private static string ExtractInvitationXml(SampleRun run)
    {
        var lines = run.OutputLines.SkipWhile(l => !l.StartsWith("2.", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("3.", StringComparison.Ordinal));
        return string.Join("\n", lines.Select(l => l.Trim()));
    }
}
