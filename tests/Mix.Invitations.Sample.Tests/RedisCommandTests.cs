using Mix.Invitations.Redis.Tests;
using Mix.Invitations.Sample.Tests.TestSupport;

namespace Mix.Invitations.Sample.Tests;

/// <summary>
/// issue, list, revoke and verify with --redis, in-process against a redis-server of the tests' own: separate
/// invocations share nothing but the Redis and the dev key. Each test has a channel of its own.
/// </summary>
public sealed class RedisCommandTests : IClassFixture<RedisServerFixture>, IDisposable
{
    private const string Inviter = "hag66@shakespeare.example";
    private readonly RedisServerFixture _redis;
    private readonly SampleHost _host = new();
    private readonly string _channel = $"c{Guid.NewGuid():N}@mix.shakespeare.example";

    public RedisCommandTests(RedisServerFixture redis) => _redis = redis;

    private string Redis => _redis.Server.ConnectionString;

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Issue_WithRedis_PrintsTheIdOnStandardError_AndRecordsTheLabel()
    {
        var run = _host.Run("issue", "--channel", _channel, "--inviter", Inviter, "--invitee", "cat@shakespeare.example", "--label", "for cat", "--redis", Redis);

        run.ExitCode.Should().Be(0, run.ToString());
        var invitation = InvitationXml.Read<Invitation>(run.Output);
        var id = IdOf(run);
        run.ErrorLines[2].Should().Be($"id {id}: recorded in the inventory with the label \"for cat\" (revoke it with: revoke {id} --channel {_channel})");
        run.Error.Should().NotContain(invitation.Token);

        var listed = _host.Run("list", "--channel", _channel, "--redis", Redis);
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.OutputLines.Should().HaveCount(3);
        listed.OutputLines[0].Should().Be($"invitations in {_channel}, newest first:");
        Cells(listed.OutputLines[2]).Should().Equal(id, "2026-03-14T15:09:26Z", "2026-03-21T15:09:26Z", "unlimited", "active", "invitee-bound", Inviter, "cat@shakespeare.example", "for", "cat");
        listed.Output.Should().NotContain(invitation.Token);
    }

    [Fact]
    public void Issue_Json_WithRedis_CarriesTheId()
    {
        var run = _host.Run("issue", "--channel", _channel, "--uses", "2", "--format", "json", "--redis", Redis);

        run.ExitCode.Should().Be(0, run.ToString());
        System.Text.Json.JsonDocument.Parse(run.Output).RootElement.GetProperty("id").GetString().Should().Be(IdOf(run));
    }

    [Fact]
    public void List_Empty_SaysSo()
    {
        var run = _host.Run("list", "--channel", _channel, "--redis", Redis);

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().Equal($"no invitations in {_channel}");
    }

    [Fact]
    public void List_Pages_NewestFirst_WithTheCursorForTheNext()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(Issue("--uses", "1", "--label", $"n{i}"));
            _host.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = _host.Run("list", "--channel", _channel, "--page-size", "2", "--redis", Redis);
        var cursor = first.OutputLines[^1]["next page: --after ".Length..];
        var second = _host.Run("list", "--channel", _channel, "--page-size", "2", "--after", cursor, "--redis", Redis);

        first.ExitCode.Should().Be(0, first.ToString());
        first.OutputLines[^1].Should().StartWith("next page: --after ");
        first.OutputLines.Skip(2).SkipLast(1).Select(l => Cells(l)[0]).Should().Equal(ids[2], ids[1]);
        second.ExitCode.Should().Be(0, second.ToString());
        second.OutputLines.Skip(2).Select(l => Cells(l)[0]).Should().Equal(ids[0]);
        second.Output.Should().NotContain("next page");
    }

    [Fact]
    public void VerifyWithRedis_TakesAUse_ListShowsIt_AndTheLastUseIsRefusedAsExhausted()
    {
        var issued = _host.Run("issue", "--channel", _channel, "--uses", "1", "--format", "uri", "--no-qr", "--redis", Redis);
        var uri = issued.OutputLines[0];

        var first = _host.Run("verify", "--uri", uri, "--channel", _channel, "--joiner", "juliet@capulet.example", "--redis", Redis);
        var listed = _host.Run("list", "--channel", _channel, "--state", "exhausted", "--redis", Redis);
        var second = _host.Run("verify", "--uri", uri, "--channel", _channel, "--joiner", "romeo@montague.example", "--redis", Redis);
        var stateless = _host.Run("verify", "--uri", uri, "--channel", _channel, "--joiner", "romeo@montague.example");

        first.ExitCode.Should().Be(0, first.ToString());
        first.OutputLines[5].Should().Be("  uses:     1; one was taken now (redeemed through the Redis ledger)");
        Cells(listed.OutputLines[2]).Take(5).Should().Equal(IdOf(issued), "2026-03-14T15:09:26Z", "2026-03-21T15:09:26Z", "1/1", "exhausted");
        second.ExitCode.Should().Be(Program.Refused, second.ToString());
        second.OutputLines[0].Should().Be("refused: UsesExhausted (cancel/not-allowed: The invitation has already been used.)");
        stateless.ExitCode.Should().Be(0, "without --redis verify only validates: " + stateless);
    }

    [Fact]
    public void RevokeById_ThenVerifyWithRedis_RefusedAsRevoked_ButStatelessVerifyCannotTell()
    {
        var issued = _host.Run("issue", "--channel", _channel, "--invitee", "cat@shakespeare.example", "--redis", Redis);
        var xml = _host.WriteFile("invitation.xml", issued.Output);

        var revoked = _host.Run("revoke", IdOf(issued), "--channel", _channel, "--redis", Redis);
        var redeemed = _host.Run("verify", "@" + xml, "--channel", _channel, "--joiner", "cat@shakespeare.example", "--redis", Redis);
        var stateless = _host.Run("verify", "@" + xml, "--channel", _channel, "--joiner", "cat@shakespeare.example");
        var listed = _host.Run("list", "--channel", _channel, "--state", "revoked", "--redis", Redis);

        revoked.ExitCode.Should().Be(0, revoked.ToString());
        revoked.OutputLines.Should().Equal($"revoked {IdOf(issued)} in {_channel}: every later redemption of it is refused");
        redeemed.ExitCode.Should().Be(Program.Refused, redeemed.ToString());
        redeemed.OutputLines[0].Should().Be("refused: Revoked (cancel/not-allowed: The invitation has been revoked.)");
        stateless.ExitCode.Should().Be(0, "stateless validation reads no ledger, as documented: " + stateless);
        Cells(listed.OutputLines[2])[4].Should().Be("revoked");
    }

    [Fact]
    public void RevokeById_UnknownOrOtherChannel_Exit4_WithTheReason()
    {
        var id = Issue();

        var unknown = _host.Run("revoke", "0123456789abcdef0123456789abcdef", "--channel", _channel, "--redis", Redis);
        var otherChannel = _host.Run("revoke", id, "--channel", "elsewhere@mix.shakespeare.example", "--redis", Redis);

        unknown.ExitCode.Should().Be(Program.NotFound, unknown.ToString());
        unknown.Output.Should().BeEmpty();
        unknown.ErrorLines.Should().Equal($"error: no invitation 0123456789abcdef0123456789abcdef in {_channel} (list --channel {_channel} shows the ids; an invitation is forgotten a while after it expires)");
        otherChannel.ExitCode.Should().Be(Program.NotFound, otherChannel.ToString());
    }

    [Fact]
    public void RevokeInviter_RevokesOnlyTheirsIssuedBefore_AndListByInviterShowsThem()
    {
        var theirs = Issue("--inviter", Inviter);
        var others = Issue("--inviter", "crone1@shakespeare.example");
        _host.Time.Advance(TimeSpan.FromSeconds(10));

        var revoked = _host.Run("revoke", "--channel", _channel, "--inviter", "hag66@shakespeare.example/pda", "--redis", Redis);
        _host.Time.Advance(TimeSpan.FromSeconds(10));
        var later = Issue("--inviter", Inviter);
        var byInviter = _host.Run("list", "--channel", _channel, "--inviter", Inviter, "--redis", Redis);
        var all = _host.Run("list", "--channel", _channel, "--redis", Redis);

        revoked.ExitCode.Should().Be(0, revoked.ToString());
        revoked.OutputLines.Should().Equal($"revoked every invitation {Inviter} issued in {_channel} before 2026-03-14T15:09:36Z (an unbound invitation binds no inviter: revoke it by id)");
        byInviter.OutputLines[0].Should().Be($"invitations in {_channel}, by {Inviter}, newest first:");
        byInviter.OutputLines.Skip(2).Select(l => (Cells(l)[0], Cells(l)[4])).Should().Equal((later, "active"), (theirs, "revoked"));
        all.OutputLines.Skip(2).Select(l => Cells(l)[0]).Should().Contain(others);
        all.OutputLines.Skip(2).Single(l => l.StartsWith(others, StringComparison.Ordinal)).Should().Contain(" active ");
    }

    [Fact]
    public void RevokeChannel_Before_RevokesOnlyThoseIssuedBeforeTheInstant()
    {
        var early = Issue();
        _host.Time.Advance(TimeSpan.FromMinutes(10));
        var late = Issue();

        var revoked = _host.Run("revoke", "--channel", _channel, "--before", "2026-03-14T15:15:00Z", "--redis", Redis);
        var listed = _host.Run("list", "--channel", _channel, "--redis", Redis);

        revoked.ExitCode.Should().Be(0, revoked.ToString());
        revoked.OutputLines.Should().Equal($"revoked every invitation of {_channel} issued before 2026-03-14T15:15:00Z");
        listed.OutputLines.Skip(2).Select(l => (Cells(l)[0], Cells(l)[4])).Should().Equal((late, "active"), (early, "revoked"));
    }

    [Fact]
    public void Issue_WithRolesAndRedis_StillRecords()
    {
        var id = Issue("--role", "owner", "--inviter", Inviter);

        var listed = _host.Run("list", "--channel", _channel, "--redis", Redis);

        listed.OutputLines.Skip(2).Select(l => Cells(l)[0]).Should().Equal(id);
    }

    private string Issue(params string[] extra)
    {
        var run = _host.Run(["issue", "--channel", _channel, "--redis", Redis, .. extra]);
        run.ExitCode.Should().Be(0, run.ToString());
        return IdOf(run);
    }

    /// <summary>The id issue --redis prints on standard error.</summary>
    internal static string IdOf(SampleRun issued)
    {
        var line = issued.ErrorLines.Single(l => l.StartsWith("id ", StringComparison.Ordinal));
        return line[3..line.IndexOf(':', StringComparison.Ordinal)];
    }

    private static string[] Cells(string row) => row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
