using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Validating an invitation to a channel this node has no cached key for: the channel key is derived (HKDF-Expand) and a
/// keyed HMAC state is created and cached, against the floor F2 (HKDF-Expand + one-shot HMAC).
/// </summary>
/// <remarks>
/// Each call validates the next of <see cref="ChannelCount"/> channels, four times as many as the cache holds, so with
/// the cache's CLOCK replacement (least recently used, to within a turn of the hand) every call is a miss, and the cost of inserting and evicting
/// entries is part of the figure, as it is for a server that sees more channels than it caches. The baseline walks the
/// same channels, so it hashes the same bytes.
/// </remarks>
[MemoryDiagnoser]
public class FirstSeenChannelBenchmarks
{
    public const int CacheSize = 1024;
    public const int ChannelCount = 4 * CacheSize;

    private InvitationService _service = null!;
    private Baselines _baselines = null!;
    private Invitation[] _invitations = null!;
    private InvitationContext[] _contexts = null!;
    private byte[][] _channelInfos = null!;
    private byte[][] _canonicals = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var issuer = Fixture.Service();
        _invitations = new Invitation[ChannelCount];
        _contexts = new InvitationContext[ChannelCount];
        _channelInfos = new byte[ChannelCount][];
        _canonicals = new byte[ChannelCount][];
        for (var i = 0; i < ChannelCount; i++)
        {
            // Same length as Fixture.Channel's JID, so the bytes hashed match the cached-key rows.
            var channel = Jid.Parse($"c{i:D4}@mix.shakespeare.example");
            _invitations[i] = issuer.IssueNow(Fixture.Request(channel)).Issued.Invitation;
            _contexts[i] = Fixture.Context(channel);
            _channelInfos[i] = Fixture.ChannelKeyInfo(channel);
            _canonicals[i] = Fixture.Canonical(channel);
        }

        _baselines = new Baselines(issuer.IssueNow(Fixture.Request()).Issued.Invitation.Token);

        // A fresh service: its cache has seen none of these channels.
        _service = Fixture.Service(CacheSize);
        for (var i = 0; i < ChannelCount; i++)
        {
            if (!_service.TryValidate(_invitations[i], _contexts[i], out _) || !_baselines.F2Validate(_invitations[i].Token, _channelInfos[i], _canonicals[i]))
            {
                throw new InvalidOperationException($"Channel {i} was refused.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselines.Dispose();
    }

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

    private int Next()
    {
        var i = _next;
        _next = i + 1 == ChannelCount ? 0 : i + 1;
        return i;
    }
}
