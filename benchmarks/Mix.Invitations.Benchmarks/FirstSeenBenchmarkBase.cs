using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// What the first-seen classes share: invitations to many channels, each validated in turn against a service whose key
/// cache holds fewer of them, so every call misses; and F2, the floor, over the same channels and bytes.
/// </summary>
public abstract class FirstSeenBenchmarkBase
{
    private InvitationService _service = null!;
    private Baselines _baselines = null!;
    private Invitation[] _invitations = null!;
    private InvitationContext[] _contexts = null!;
    private byte[][] _channelInfos = null!;
    private byte[][] _canonicals = null!;
    private int _count;
    private int _next;

    [GlobalCleanup]
    public void Cleanup() => _baselines.Dispose();

    [Benchmark(Baseline = true, Description = "F2: HKDF-Expand + one-shot HMAC floor")]
    public bool F2()
    {
        var i = Next();
        return _baselines.F2Validate(_invitations[i].Token, _channelInfos[i], _canonicals[i]);
    }

    [Benchmark(Description = "Validate (first-seen channel, key derived)")]
    public bool ValidateFirstSeen()
    {
        var i = Next();
        return _service.TryValidate(_invitations[i], _contexts[i], out _);
    }

    /// <summary>Issues one invitation per channel, then makes the service that validates them with a fresh cache.</summary>
    /// <param name="count">How many channels.</param>
    /// <param name="cacheSize">The validating service's key cache size.</param>
    /// <param name="channelName">The channel JID of an index (the same length at every index, so every row hashes as many bytes).</param>
    /// <param name="checkStride">Every how many channels the set-up checks that both sides accept one.</param>
    protected void Populate(int count, int cacheSize, Func<int, string> channelName, int checkStride)
    {
        var issuer = Fixture.Service(cacheSize);
        _count = count;
        _invitations = new Invitation[count];
        _contexts = new InvitationContext[count];
        _channelInfos = new byte[count][];
        _canonicals = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var channel = Jid.Parse(channelName(i));
            _invitations[i] = issuer.IssueNow(Fixture.Request(channel)).Issued.Invitation;
            _contexts[i] = Fixture.Context(channel);
            _channelInfos[i] = Fixture.ChannelKeyInfo(channel);
            _canonicals[i] = Fixture.Canonical(channel);
        }

        _baselines = new Baselines(issuer.IssueNow(Fixture.Request()).Issued.Invitation.Token);

        // A fresh service: its cache has seen none of these channels.
        _service = Fixture.Service(cacheSize);
        for (var i = 0; i < count; i += checkStride)
        {
            if (!_service.TryValidate(_invitations[i], _contexts[i], out _) || !_baselines.F2Validate(_invitations[i].Token, _channelInfos[i], _canonicals[i]))
            {
                throw new InvalidOperationException($"Channel {i} was refused.");
            }
        }
    }

    private int Next()
    {
        var i = _next;
        _next = i + 1 == _count ? 0 : i + 1;
        return i;
    }
}
