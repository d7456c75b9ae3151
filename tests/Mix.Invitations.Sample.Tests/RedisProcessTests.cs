using Mix.Invitations.Redis.Tests;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>
/// The sample as an operator runs it against a real Redis: each command its own process (<c>dotnet mix-invitations.dll</c>),
/// sharing only the redis-server and the dev key. Fails rather than skips when MIX_INVITATIONS_REQUIRE_REDIS=1 and
/// redis-server is missing.
/// </summary>
public sealed class RedisProcessTests : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly RedisServerFixture _redis;
    private readonly SampleHost _host = new();
    private readonly string _channel = $"p{Guid.NewGuid():N}@mix.shakespeare.example";

    public RedisProcessTests(RedisServerFixture redis) => _redis = redis;

    public void Dispose() => _host.Dispose();

    [Fact]
    public void IssueListRevokeVerify_FourProcesses_TheRevokedTokenIsRefused()
    {
        var redis = _redis.Server.ConnectionString;

        var issued = Run(null, "issue", "--channel", _channel, "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example", "--label", "for cat", "--redis", redis);
        issued.ExitCode.Should().Be(0, issued.ToString());
        var token = InvitationXml.Read<Invitation>(issued.Output).Token;
        var id = RedisCommandTests.IdOf(issued);

        var listed = Run(null, "list", "--channel", _channel, "--redis", redis);
        listed.ExitCode.Should().Be(0, listed.ToString());
        var row = listed.OutputLines.Single(l => l.StartsWith(id, StringComparison.Ordinal));
        row.Should().Contain(" active ").And.Contain("hag66@shakespeare.example").And.Contain("cat@shakespeare.example").And.EndWith("for cat");
        listed.Output.Should().NotContain(token, "a list never shows a token");

        var revoked = Run(null, "revoke", id, "--channel", _channel, "--redis", redis);
        revoked.ExitCode.Should().Be(0, revoked.ToString());
        revoked.OutputLines.Should().Equal($"revoked {id} in {_channel}: every later redemption of it is refused");

        var verified = Run(issued.Output, "verify", "-", "--channel", _channel, "--joiner", "cat@shakespeare.example/balcony", "--redis", redis);
        verified.ExitCode.Should().Be(1, verified.ToString());
        verified.OutputLines[0].Should().Be("refused: Revoked (cancel/not-allowed: The invitation has been revoked.)");

        var again = Run(null, "list", "--channel", _channel, "--state", "revoked", "--redis", redis);
        again.OutputLines.Single(l => l.StartsWith(id, StringComparison.Ordinal)).Should().Contain(" revoked ");
        foreach (var run in new[] { issued, listed, revoked, verified, again })
        {
            run.Error.Should().NotContain(token, "no token on standard error");
        }
    }

    [Fact]
    public void BulkRevokeOfAnInviter_AcrossProcesses_ByTheEnvironmentVariable_RefusesTheirsOnly()
    {
        var redis = new Dictionary<string, string> { ["MIX_INVITATIONS_REDIS"] = _redis.Server.ConnectionString };

        var theirs = RunWith(redis, null, "issue", "--channel", _channel, "--inviter", "hag66@shakespeare.example", "--invitee", "cat@shakespeare.example", "--label", "hag66's");
        var others = RunWith(redis, null, "issue", "--channel", _channel, "--inviter", "crone1@shakespeare.example", "--invitee", "rat@shakespeare.example", "--label", "crone1's");
        theirs.ExitCode.Should().Be(0, theirs.ToString());
        others.ExitCode.Should().Be(0, others.ToString());

        var revoked = RunWith(redis, null, "revoke", "--channel", _channel, "--inviter", "hag66@shakespeare.example");
        revoked.ExitCode.Should().Be(0, revoked.ToString());
        revoked.OutputLines.Should().ContainSingle().Which.Should().StartWith($"revoked every invitation hag66@shakespeare.example issued in {_channel} before ");

        var refused = RunWith(redis, theirs.Output, "verify", "-", "--channel", _channel, "--joiner", "cat@shakespeare.example");
        var accepted = RunWith(redis, others.Output, "verify", "-", "--channel", _channel, "--joiner", "rat@shakespeare.example");
        var listed = RunWith(redis, null, "list", "--channel", _channel);

        refused.ExitCode.Should().Be(1, refused.ToString());
        refused.OutputLines[0].Should().Be("refused: Revoked (cancel/not-allowed: The invitation has been revoked.)");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        accepted.OutputLines[0].Should().Be($"valid: rat@shakespeare.example may join {_channel}");
        listed.OutputLines.Single(l => l.StartsWith(RedisCommandTests.IdOf(theirs), StringComparison.Ordinal)).Should().Contain(" revoked ");
        listed.OutputLines.Single(l => l.StartsWith(RedisCommandTests.IdOf(others), StringComparison.Ordinal)).Should().Contain(" active ");
    }

    private SampleRun Run(string? standardInput, params string[] args) => RunWith(null, standardInput, args);

    private SampleRun RunWith(IReadOnlyDictionary<string, string>? variables, string? standardInput, params string[] args) =>
        SampleProcess.Run(_host.ConfigDirectory, standardInput, variables, args);
}
