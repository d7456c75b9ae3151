using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>Every kind of bad input prints one line naming the problem, exits 2, and never shows a stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private const string GoodXml = "<invitation xmlns='urn:xmpp:mix:misc:0'><channel>coven@mix.shakespeare.example</channel><token>AQADAWsHP1xrEHncCgpYH6uYuNf4YgVTjVH1lA</token></invitation>";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<string[], string> Cases => new()
    {
        // Malformed JIDs, in every option that takes one.
        { ["issue", "--channel", "a@b@c"], "error: --channel: 'a@b@c' is not a valid JID: domainpart contains disallowed character U+0040 '@'" },
        { ["issue", "--channel", Channel, "--inviter", "hag66@"], "error: --inviter: 'hag66@' is not a valid JID:" },
        { ["issue", "--channel", Channel, "--invitee", "<cat>@shakespeare.example"], "error: --invitee: '<cat>@shakespeare.example' is not a valid JID: localpart" },
        { ["issue", "--channel", ""], "error: --channel: '' is not a valid JID:" },
        { ["verify", GoodXml, "--channel", "coven@mix.shakespeare.example", "--joiner", "juliet@<capulet>.lit"], "error: --joiner: 'juliet@<capulet>.lit' is not a valid JID: domainpart contains disallowed character U+003C '<'" },
        { ["verify", GoodXml, "--joiner", "cat@shakespeare.example", "--channel", "@mix.example"], "error: --channel: '@mix.example' is not a valid JID:" },

        // Malformed XML.
        { ["verify", "<invitation", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: not an invitation: Cannot read <invitation>: the XML is not well-formed" },
        { ["verify", "<invitation xmlns='urn:xmpp:mix:misc:0'><channel>coven@mix.shakespeare.example</channel></invitation>", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: not an invitation: <invitation> has no <token>" },
        { ["verify", "<message/>", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: not an invitation:" },
        { ["verify", "<!DOCTYPE x [<!ENTITY e 'x'>]><invitation/>", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: not an invitation:" },
        { ["verify", "plain text", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: not an invitation:" },
        { ["verify", "xmpp:coven@mix.example?join;preauth=AAAA", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: that is a link, not XML: pass it with --uri" },

        // Malformed URIs.
        { ["verify", "--uri", "xmpp:coven@mix.example?join", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: --uri: not an invitation link: The link has no preauth token" },
        { ["verify", "--uri", "https://invite.example/", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: --uri: not an invitation link:" },
        { ["verify", "--uri", "mailto:cat@shakespeare.example", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: --uri: not an invitation link:" },
        { ["verify", "--uri", "xmpp:coven@mix.example?join;preauth=%zz", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: --uri: not an invitation link:" },
        { ["issue", "--channel", Channel, "--format", "link", "--link-base", "ftp://invite.example/"], "error: --link-base: 'ftp://invite.example/' is not an absolute http or https URI without a fragment" },
        { ["issue", "--channel", Channel, "--format", "link", "--link-base", "invite.example"], "error: --link-base: 'invite.example' is not an absolute http or https URI without a fragment" },

        // Malformed lifetimes.
        { ["issue", "--channel", Channel, "--lifetime", "7x"], "error: --lifetime: '7x' is not a lifetime; write 30s, 15m, 12h, 7d, 2w or d.hh:mm:ss" },
        { ["issue", "--channel", Channel, "--lifetime", "-5m"], "error: --lifetime: '-5m' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "0s"], "error: --lifetime: '0s' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "d"], "error: --lifetime: 'd' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "7"], "error: --lifetime: '7' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "00:00:00"], "error: --lifetime: '00:00:00' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "99999999999999d"], "error: --lifetime: '99999999999999d' is not a lifetime" },
        { ["issue", "--channel", Channel, "--lifetime", "31d"], "error: --lifetime: '31d' is longer than the 30d an invitation may live" },

        // Unknown policies, and policies without what they bind.
        { ["issue", "--channel", Channel, "--policy", "anyone"], "error: --policy: 'anyone' is not a policy; use invitee-bound, inviter-bound or unbound" },
        { ["issue", "--channel", Channel, "--policy", "invitee-bound"], "error: --invitee: An invitee-bound invitation needs an invitee." },
        { ["issue", "--channel", Channel, "--policy", "inviter-bound"], "error: --inviter: An inviter-bound invitation needs an inviter." },

        // Other options and usage.
        { ["issue", "--channel", Channel, "--format", "yaml"], "error: --format: 'yaml' is not a format; use xml, uri, link or json" },
        { ["issue", "--channel", Channel, "--uses", "0"], "error: --uses: '0' is not a use limit; write a whole number from 1 to 65535" },
        { ["issue", "--channel", Channel, "--uses", "many"], "error: --uses: 'many' is not a use limit" },
        { ["issue"], "error: Option '--channel' is required. (see --help)" },
        { ["issue", "--channel", Channel, "--frobnicate"], "error: Unrecognized command or argument '--frobnicate'. (see --help)" },
        { ["frobnicate"], "error: Unrecognized command or argument 'frobnicate'. (see --help)" },
        { ["verify", GoodXml], "error: Option '--joiner' is required. (see --help)" },
        { ["verify", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: give the invitation: as XML, @path, - for standard input, or --uri" },
        { ["verify", GoodXml, "--uri", "xmpp:coven@mix.example?join;preauth=AAAA", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: give the invitation once: as XML or with --uri, not both" },
        { ["verify", "@", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example"], "error: @ must be followed by a file name" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_BadInput_PrintsOneLineAndExitsTwo(string[] args, string expectedStart)
    {
        var run = _host.Run(args);

        AssertUsageError(run, expectedStart);
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse("bad input is refused before a key is created");
    }

    [Fact]
    public void Verify_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(_host.Directory, "nope.xml");

        var run = _host.Run("verify", "@" + path, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        AssertUsageError(run, $"error: cannot read {path}:");
    }

    [Fact]
    public void Verify_EmptyStandardInput_SaysItIsNotAnInvitation()
    {
        _host.StandardInput = string.Empty;

        var run = _host.Run("verify", "-", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        AssertUsageError(run, "error: not an invitation:");
    }

    [Fact]
    public void Verify_OversizedStandardInput_IsRefused()
    {
        _host.StandardInput = new string(' ', (1 << 20) + 1);

        var run = _host.Run("verify", "-", "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example");

        AssertUsageError(run, "error: standard input holds more than 1048576 characters");
    }

    [Fact]
    public void Verify_MissingKeyFile_IsAnErrorRatherThanANewKey()
    {
        var path = Path.Combine(_host.Directory, "missing.key");

        var run = _host.Run("verify", GoodXml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example", "--key-file", path);

        AssertUsageError(run, $"error: --key-file: {path} does not exist");
        File.Exists(path).Should().BeFalse();
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("AAAA")]
    public void Run_BadKeyInEnvironment_SaysSoWithoutEchoingIt(string key)
    {
        _host.Variables["MIX_INVITATIONS_KEY"] = key;

        var run = _host.Run("issue", "--channel", Channel);

        AssertUsageError(run, "error: the environment variable MIX_INVITATIONS_KEY must hold the base64 of at least 32 random bytes");
        run.Error.Should().NotContain(key);
    }

    [Fact]
    public void Run_BadKeyFile_SaysSoWithoutEchoingIt()
    {
        var path = _host.WriteFile("short.key", "c2hvcnQ=");

        var run = _host.Run("verify", GoodXml, "--channel", "coven@mix.shakespeare.example", "--joiner", "cat@shakespeare.example", "--key-file", path);

        AssertUsageError(run, $"error: the key file {path} must hold the base64 of at least 32 random bytes");
        run.Error.Should().NotContain("c2hvcnQ=");
    }

    [Fact]
    public void Run_KeyFolderCannotBeCreated_IsOneLine()
    {
        // The configuration "folder" is a file, so the dev key cannot be created under it.
        _host.Variables["XDG_CONFIG_HOME"] = _host.WriteFile("not-a-folder", string.Empty);

        var run = _host.Run("issue", "--channel", Channel);

        AssertUsageError(run, "error: cannot create the key file");
    }

    private static void AssertUsageError(SampleRun run, string expectedStart)
    {
        run.ExitCode.Should().Be(2, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().ContainSingle(run.ToString()).Which.Should().StartWith(expectedStart);
        run.Error.Should().NotContain("   at ").And.NotContain("Exception");
    }
}
