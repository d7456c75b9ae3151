using System.Net;
using System.Net.Sockets;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>
/// list and revoke, and --redis on every command, where no Redis is needed: which forms are refused and why, that
/// without Redis they say so instead of listing nothing, and that an unreachable Redis is one line and exit code 5.
/// </summary>
public sealed class AdminCommandTests : IDisposable
{
    private const string Channel = "coven@mix.shakespeare.example";
    private const string Id = "0123456789abcdef0123456789abcdef";
    private readonly SampleHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<string[], string> UsageErrors => new()
    {
        // Without Redis there is nothing to list or revoke in a new process: said, not an empty table.
        { ["list", "--channel", Channel], "error: list needs the shared inventory: pass --redis host:port (or set MIX_INVITATIONS_REDIS); without Redis each run of the sample starts with nothing issued" },
        { ["revoke", Id, "--channel", Channel], "error: revoke needs the shared inventory: pass --redis host:port (or set MIX_INVITATIONS_REDIS); without Redis each run of the sample starts with nothing issued" },
        { ["revoke", "--channel", Channel, "--inviter", "hag66@shakespeare.example"], "error: revoke needs the shared inventory:" },
        { ["issue", "--channel", Channel, "--label", "for cat"], "error: --label: a label is kept only by the inventory, which lives in Redis: pass --redis host:port (or set MIX_INVITATIONS_REDIS)" },

        // revoke's two forms, kept apart.
        { ["revoke", Id, "--channel", Channel, "--inviter", "hag66@shakespeare.example"], "error: revoke ID revokes that one invitation: --inviter and --before belong to the bulk form (revoke --channel C [--inviter J] [--before T]), without an id" },
        { ["revoke", Id, "--channel", Channel, "--before", "2026-03-14T00:00:00Z"], "error: revoke ID revokes that one invitation: --inviter and --before belong to the bulk form" },
        { ["revoke"], "error: give what to revoke: an id with its channel (revoke ID --channel C), or a channel to revoke in bulk (revoke --channel C [--inviter J] [--before T])" },
        { ["revoke", "--inviter", "hag66@shakespeare.example"], "error: give what to revoke: an id with its channel" },
        { ["revoke", Id], "error: --channel: revoke ID needs the channel the invitation belongs to (list --channel C shows the ids)" },
        { ["revoke", "AQABAWsHQvFrEH1xphc_YGNvbmUCOijP_eZffg", "--channel", Channel], "error: 'AQABAWsHQvFrEH1xphc_YGNvbmUCOijP_eZffg' is not an invitation id; an id is 32 hexadecimal digits, as list and issue --redis print it (not the token)" },
        { ["revoke", "--channel", "a@b@c"], "error: --channel: 'a@b@c' is not a valid JID:" },
        { ["revoke", "--channel", Channel, "--inviter", "hag66@"], "error: --inviter: 'hag66@' is not a valid JID:" },
        { ["revoke", "--channel", Channel, "--before", "yesterday"], "error: --before: 'yesterday' is not an ISO 8601 instant; write e.g. 2026-03-14T15:09:26Z" },
        { ["revoke", "--channel", Channel, "--before", "2026-03-14"], "error: --before: '2026-03-14' is not an ISO 8601 instant" },
        { ["revoke", "--channel", Channel, "--before", "2026-03-14T15:09:27Z"], "error: --before: 2026-03-14T15:09:27Z is in the future; a cut-off would also revoke invitations not issued yet — give an instant up to now" },

        // list's options.
        { ["list"], "error: Option '--channel' is required. (see --help)" },
        { ["list", "--channel", Channel, "--state", "pending"], "error: --state: 'pending' is not a state; use active, exhausted, revoked or expired" },
        { ["list", "--channel", Channel, "--page-size", "0"], "error: --page-size: '0' is not a page size; write a whole number from 1 to 100" },
        { ["list", "--channel", Channel, "--page-size", "101"], "error: --page-size: '101' is not a page size" },
        { ["list", "--channel", Channel, "--after", "yesterday"], "error: --after: 'yesterday' is not a cursor; pass the one a page printed after 'next page: --after'" },
        { ["list", "--channel", "@mix.example"], "error: --channel: '@mix.example' is not a valid JID:" },

        // --redis itself.
        { ["list", "--channel", Channel, "--redis", " "], "error: --redis: a configuration is needed, e.g. localhost:6379" },
        { ["list", "--channel", Channel, "--redis", "password=hunter2-secret"], "error: --redis: the configuration names no server; write host:port, e.g. localhost:6379" },
        { ["issue", "--channel", Channel, "--redis", "localhost:6379", "--label", new string('x', 65)], "error: --label: 65 characters; at most 64 are kept" },
        { ["issue", "--channel", Channel, "--redis", "localhost:6379", "--label", "two\nlines"], "error: --label: control characters (tabs, line breaks) are not allowed" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void BadUsage_OneLineExit2_NothingOnStandardOutput(string[] args, string expected)
    {
        var run = _host.Run(args);

        run.ExitCode.Should().Be(Program.UsageError, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().ContainSingle().Which.Should().StartWith(expected);
        run.Error.Should().NotContain("hunter2-secret").And.NotContain(" at Mix.");
        Directory.Exists(_host.ConfigDirectory).Should().BeFalse("bad usage never creates a key");
    }

    [Theory]
    [InlineData("list", "--channel", Channel)]
    [InlineData("revoke", Id, "--channel", Channel)]
    [InlineData("revoke", "--channel", Channel, "--inviter", "hag66@shakespeare.example", "--before", "2026-03-14T15:00:00Z")]
    [InlineData("issue", "--channel", Channel, "--uses", "1", "--label", "flyer", "--format", "json")]
    [InlineData("verify", "--uri", "xmpp:coven@mix.shakespeare.example?join;preauth=AQEDAWsHQ19rCeZfegGr0Y6JkkIAAbBG4E2QO94XslCdmtaoMNY", "--channel", Channel, "--joiner", "juliet@capulet.example")]
    public void UnreachableRedis_OneLineNamingTheEndpointOnly_Exit5_NoTokenNoSecret(params string[] args)
    {
        var port = ClosedPort();

        var run = _host.Run([.. args, "--redis", $"127.0.0.1:{port},password=hunter2-secret"]);

        run.ExitCode.Should().Be(Program.RedisUnavailable, run.ToString());
        run.Output.Should().BeEmpty("nothing is printed for an invitation that was not recorded");
        var error = run.ErrorLines.Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal)).Subject;
        error.Should().Be($"error: Redis at 127.0.0.1:{port} is unreachable (RedisConnectionException); is redis-server running there? Nothing was changed.");
        run.Error.Should().NotContain("hunter2-secret").And.NotContain("AQEDAWs").And.NotContain("   at ", "no stack trace");
    }

    [Fact]
    public void UnreachableRedis_FromTheEnvironmentVariable_WhenNoOption()
    {
        var port = ClosedPort();
        _host.Variables["MIX_INVITATIONS_REDIS"] = $"127.0.0.1:{port}";

        var run = _host.Run("list", "--channel", Channel);

        run.ExitCode.Should().Be(Program.RedisUnavailable, run.ToString());
        run.ErrorLines.Should().Equal($"error: Redis at 127.0.0.1:{port} is unreachable (RedisConnectionException); is redis-server running there? Nothing was changed.");
    }

    [Fact]
    public void RedisOption_WinsOverTheEnvironmentVariable()
    {
        var fromVariable = ClosedPort();
        var fromOption = ClosedPort();
        _host.Variables["MIX_INVITATIONS_REDIS"] = $"127.0.0.1:{fromVariable}";

        var run = _host.Run("list", "--channel", Channel, "--redis", $"127.0.0.1:{fromOption}");

        run.ExitCode.Should().Be(Program.RedisUnavailable, run.ToString());
        run.Error.Should().Contain($"127.0.0.1:{fromOption}").And.NotContain($"127.0.0.1:{fromVariable}");
    }

    [Fact]
    public void UnreachableRedis_AsItsOwnProcess_OneLineExit5()
    {
        var port = ClosedPort();

        var run = SampleProcess.Run(_host.ConfigDirectory, null, "revoke", Id, "--channel", Channel, "--redis", $"127.0.0.1:{port}");

        run.ExitCode.Should().Be(5, run.ToString());
        run.Output.Should().BeEmpty();
        run.ErrorLines.Should().Equal($"error: Redis at 127.0.0.1:{port} is unreachable (RedisConnectionException); is redis-server running there? Nothing was changed.");
    }

    [Theory]
    [InlineData("list", "--channel <JID>", "--inviter <JID>", "--state <active|exhausted|revoked|expired>", "--page-size <N>", "--after <CURSOR>", "--redis <configuration>", "5 Redis unreachable")]
    [InlineData("revoke", "[<id>]", "--channel <JID>", "--inviter <JID>", "--before <instant>", "--redis <configuration>", "4 no such invitation")]
    [InlineData("issue", "--label <text>", "--redis <configuration>", "5 Redis unreachable")]
    [InlineData("verify", "--redis <configuration>", "With --redis: redeemed through the shared ledger")]
    public void Help_ShowsTheNewOptions(string command, params string[] expected)
    {
        var run = _host.Run(command, "--help");

        run.ExitCode.Should().Be(0);
        foreach (var text in expected)
        {
            run.Output.Should().Contain(text);
        }

        run.Output.Should().Contain("MIX_INVITATIONS_REDIS");
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    internal static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
