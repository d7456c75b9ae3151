using System.Text.Json;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary><c>narrow</c>: a narrower copy with no key, each restriction checked end to end with <c>verify</c>, each narrowing error its own exit code.</summary>
public sealed class NarrowCommandTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Narrow_Invitee_BindsABearerLinkToOnePerson_WhomVerifyAdmits_AndNobodyElse()
    {
        var link = Issue("--uses", "10", "--format", "link", "--no-qr");

        var run = _host.Run("narrow", "--uri", link, "--invitee", "viola@illyria.example/ship");

        run.ExitCode.Should().Be(0, run.ToString());
        var copy = InvitationXml.Read<Invitation>(run.Output);
        copy.Invitee.ToString().Should().Be("viola@illyria.example", "a copy is bound to the bare JID");
        copy.Channel.ToString().Should().Be(Channel);
        var original = InvitationUri.Parse(link);
        copy.Token.Length.Should().Be(original.Token.Length + 1, "an invitee restriction is one byte; the invitee travels beside the token");
        run.ErrorLines.Should().Equal(
            $"narrowed to viola@illyria.example (only they may redeem it), with no key; token {copy.Token.Length} characters (was {original.Token.Length})",
            "its uses count against the original's, and revoking the original revokes it");

        var viola = Verify(run.Output, "viola@illyria.example/ship");
        var orsino = Verify(run.Output, "orsino@illyria.example");

        viola.ExitCode.Should().Be(0, viola.ToString());
        viola.OutputLines.Should().Contain("  narrowed: 1 restriction(s), added offline by a holder of the token; the chain verified")
            .And.Contain("  until:    2026-03-21T15:09:26Z (effective expiry: the original's)")
            .And.Contain("  only for: viola@illyria.example (invitee restriction: nobody else may redeem this copy)");
        orsino.ExitCode.Should().Be(1, orsino.ToString());
        orsino.OutputLines[0].Should().StartWith("refused: InviteeMismatch");
    }

    [Fact]
    public void Narrow_Lifetime_ExpiresTheCopyEarlier_FromTheSamplesClock()
    {
        var xml = Issue();

        var run = _host.Run("narrow", xml, "--lifetime", "1d");

        run.ExitCode.Should().Be(0, run.ToString());
        run.ErrorLines[0].Should().StartWith("narrowed expiring 2026-03-15T15:09:26Z, with no key;");
        var verified = Verify(run.Output, "anyone@example.net");
        verified.OutputLines.Should().Contain("  expires:  2026-03-21T15:09:26Z").And.Contain("  until:    2026-03-15T15:09:26Z (effective expiry: earlier than the original's)");

        _host.Time.Advance(TimeSpan.FromDays(2));
        var late = Verify(run.Output, "anyone@example.net");
        var original = Verify(xml, "anyone@example.net");

        late.ExitCode.Should().Be(1, late.ToString());
        late.OutputLines[0].Should().StartWith("refused: Expired");
        original.ExitCode.Should().Be(0, "the original keeps its own expiry");
    }

    [Fact]
    public void Narrow_Uses_AddsACopyLimit_CountedOnTopOfTheOriginals()
    {
        var link = Issue("--uses", "5", "--format", "uri", "--no-qr");

        var run = _host.Run("narrow", "--uri", link, "--uses", "2", "--format", "uri", "--no-qr");

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().ContainSingle().Which.Should().StartWith($"xmpp:{Channel}?join;preauth=");
        run.ErrorLines[0].Should().StartWith("narrowed to at most 2 use(s), with no key;");
        var verified = _host.Run("verify", "--uri", run.OutputLines[0], "--channel", Channel, "--joiner", "anyone@example.net");
        verified.ExitCode.Should().Be(0, verified.ToString());
        verified.OutputLines.Should().Contain("  uses:     5 (counted by the server's ledger when redeemed; verify records nothing)")
            .And.Contain("  copy:     at most 2 use(s), each also counted against the original's 5");
    }

    [Fact]
    public void Narrow_EveryOptionAtOnce_WithABareTokenAndItsChannel_AsJson()
    {
        var token = JsonDocument.Parse(Issue("--uses", "3", "--format", "json")).RootElement.GetProperty("token").GetString()!;

        var run = _host.Run("narrow", "--token", token, "--channel", Channel, "--invitee", "viola@illyria.example", "--lifetime", "12h", "--uses", "1", "--format", "json");

        run.ExitCode.Should().Be(0, run.ToString());
        var json = JsonDocument.Parse(run.Output).RootElement;
        json.GetProperty("channel").GetString().Should().Be(Channel);
        json.GetProperty("invitee").GetString().Should().Be("viola@illyria.example");
        var copy = json.GetProperty("token").GetString()!;
        json.GetProperty("tokenLength").GetInt32().Should().Be(copy.Length);
        copy.Length.Should().Be(token.Length + 23, "1 + 5 + 11 restriction bytes");
        var restricted = json.GetProperty("restricted");
        restricted.GetProperty("invitee").GetString().Should().Be("viola@illyria.example");
        restricted.GetProperty("expires").GetString().Should().Be("2026-03-15T03:09:26Z");
        restricted.GetProperty("maxUses").GetInt32().Should().Be(1);
        run.Error.Should().NotContain(token).And.NotContain(copy);

        var verified = _host.Run("verify", "--uri", $"xmpp:{Channel}?join;preauth={copy};invitee=viola%40illyria.example", "--channel", Channel, "--joiner", "viola@illyria.example");
        verified.ExitCode.Should().Be(0, verified.ToString());
        verified.OutputLines.Should().Contain("  narrowed: 3 restriction(s), added offline by a holder of the token; the chain verified");
    }

    [Fact]
    public void Narrow_NeedsNoKey_ResolvesNone_AndPrintsNoSecret()
    {
        var link = Issue("--uses", "3", "--format", "link", "--no-qr");
        var secret = File.ReadAllText(_host.DevKeyPath).Trim();
        File.Delete(_host.DevKeyPath);

        // No configuration folder at all: the host's default folder throws if anything looks for a dev key.
        _host.Variables.Remove("XDG_CONFIG_HOME");
        var withoutKey = _host.Run("narrow", "--uri", link, "--invitee", "viola@illyria.example", "--format", "link", "--no-qr");

        // A key in the environment is not read either.
        _host.Variables["MIX_INVITATIONS_KEY"] = secret;
        var keyInEnvironment = _host.Run("narrow", "--uri", link, "--uses", "1", "--format", "json");

        withoutKey.ExitCode.Should().Be(0, withoutKey.ToString());
        withoutKey.Error.Should().NotContain("key 1:");
        File.Exists(_host.DevKeyPath).Should().BeFalse("narrowing never creates a key");
        keyInEnvironment.ExitCode.Should().Be(0, keyInEnvironment.ToString());
        (keyInEnvironment.Output + keyInEnvironment.Error).Should().NotContain(secret).And.NotContain("MIX_INVITATIONS_KEY");
    }

    [Fact]
    public void Narrow_NothingAsked_IsUsageError2()
    {
        var run = _host.Run("narrow", Issue());

        run.ExitCode.Should().Be(2, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().Equal("error: not narrowed (NothingRequested): give at least one of --invitee, --lifetime, --uses");
    }

    [Fact]
    public void Narrow_MalformedToken_Exits6()
    {
        var run = _host.Run("narrow", "--token", "AQABAWsNNZ1rFnAd8JDSFw5MU4sYheuMzxBN5", "--channel", Channel, "--uses", "1");

        run.ExitCode.Should().Be(6, run.ToString());
        run.ErrorLines.Should().Equal("error: not narrowed (Malformed): The token is not a well-formed token of format v1.");
    }

    [Theory]
    [InlineData(new[] { "--lifetime", "8d" }, "The token expires at 2026-03-21T15:09:26.0000000+00:00; a copy must expire earlier.")]
    [InlineData(new[] { "--uses", "3" }, "The token allows at most 3 uses; a copy must allow fewer.")]
    [InlineData(new[] { "--uses", "4" }, "The token allows at most 3 uses; a copy must allow fewer.")]
    public void Narrow_NotNarrower_Exits7(string[] restriction, string message)
    {
        var run = _host.Run(["narrow", "--uri", Issue("--uses", "3", "--format", "uri", "--no-qr"), .. restriction]);

        run.ExitCode.Should().Be(7, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().Equal($"error: not narrowed (NotNarrower): {message}");
    }

    [Fact]
    public void Narrow_InviteeBoundToAnother_Exits8()
    {
        var xml = _host.Run("issue", "--channel", Channel, "--invitee", "cat@shakespeare.example").Output;

        var same = _host.Run("narrow", xml, "--invitee", "cat@shakespeare.example");
        var other = _host.Run("narrow", xml, "--invitee", "rat@shakespeare.example");

        same.ExitCode.Should().Be(7, "the same invitee narrows nothing");
        other.ExitCode.Should().Be(8, other.ToString());
        other.ErrorLines.Should().Equal("error: not narrowed (InviteeConflict): The token is already bound to another invitee; a copy for someone else would admit nobody.");
    }

    [Fact]
    public void Narrow_PastEightRestrictions_Exits9()
    {
        var xml = Issue();
        for (var hours = 9; hours >= 2; hours--)
        {
            var step = _host.Run("narrow", xml, "--lifetime", $"{hours}h");
            step.ExitCode.Should().Be(0, step.ToString());
            xml = step.Output;
        }

        var ninth = _host.Run("narrow", xml, "--lifetime", "1h");

        ninth.ExitCode.Should().Be(9, ninth.ToString());
        ninth.ErrorLines.Should().Equal("error: not narrowed (TooManyRestrictions): The token carries 8 restrictions; 1 more would pass the limit of 8.");
        Verify(xml, "anyone@example.net").OutputLines.Should().Contain("  narrowed: 8 restriction(s), added offline by a holder of the token; the chain verified");
    }

    [Theory]
    [InlineData(new[] { "--token", "AAAA", "--uses", "1" }, "error: --token: a bare token needs --channel, the channel it invites to")]
    [InlineData(new[] { "--channel", Channel, "--uses", "1" }, "error: --channel: only a bare --token needs it; XML and links name their channel")]
    [InlineData(new[] { "--uses", "1" }, "error: give the invitation: as XML, @path, - for standard input, --uri, or --token with --channel")]
    [InlineData(new[] { "--token", "AAAA", "--channel", Channel, "--uses", "0" }, "error: --uses: '0' is not a use limit; write a whole number from 1 to 65535")]
    [InlineData(new[] { "--token", "AAAA", "--channel", Channel, "--lifetime", "soon" }, "error: --lifetime: 'soon' is not a lifetime; write 30s, 15m, 12h, 7d, 2w or d.hh:mm:ss")]
    [InlineData(new[] { "--token", "AAAA", "--channel", Channel, "--invitee", "@bad" }, "error: --invitee: '@bad' is not a valid JID")]
    public void Narrow_BadInput_IsOneLineAndExit2(string[] args, string error)
    {
        var run = _host.Run(["narrow", .. args]);

        run.ExitCode.Should().Be(2, run.ToString());
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith(error);
    }

    [Fact]
    public void Narrow_Help_DocumentsTheExitCodes()
    {
        var run = _host.Run("narrow", "--help");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("6 malformed token").And.Contain("7 not narrower").And.Contain("8 already bound to another invitee").And.Contain("9 too many restrictions");
    }

    private string Issue(params string[] extra)
    {
        var issued = _host.Run(["issue", "--channel", Channel, .. extra]);
        issued.ExitCode.Should().Be(0, issued.ToString());
        return issued.Format("xml", extra);
    }

    private SampleRun Verify(string xml, string joiner) => _host.Run("verify", xml, "--channel", Channel, "--joiner", joiner);
}

internal static class SampleRunFormats
{
    /// <summary>The issued invitation: the XML or JSON as printed, or the link's first line.</summary>
    public static string Format(this SampleRun run, string defaultFormat, string[] args)
    {
        var index = Array.IndexOf(args, "--format");
        var format = index >= 0 ? args[index + 1] : defaultFormat;
        return format is "uri" or "link" ? run.OutputLines[0] : run.Output;
    }
}
