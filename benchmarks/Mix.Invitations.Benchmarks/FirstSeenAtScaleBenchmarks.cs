using BenchmarkDotNet.Attributes;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// First-seen validation as the number of distinct channels grows from 10³ to 10⁶ (issue 20, requirement 3): each call
/// validates the next of <see cref="Channels"/> channels' invitations against a key cache of
/// <see cref="CacheSize"/>, so every call misses, derives the channel key, inserts it and evicts another. The cache is
/// bounded by its capacity, so its cost should not grow with the channels; F2 walks the same invitations, and shows what
/// the benchmark's own data (10⁶ invitations no CPU cache holds) adds to both.
/// </summary>
/// <remarks>
/// The invitations are read in the order they were made, as a server reads one just taken off the wire: the cost is the
/// library's, not that of fetching the benchmark's arrays. Channel JIDs have the same length at every size.
/// </remarks>
[MemoryDiagnoser]
public class FirstSeenAtScaleBenchmarks
{
    /// <summary>A quarter of the smallest channel count, so even 10³ channels miss on every call.</summary>
    public const int CacheSize = 250;

    private InvitationService _service = null!;
    private Baselines _baselines = null!;
    private Invitation[] _invitations = null!;
    private InvitationContext[] _contexts = null!;
    private byte[][] _channelInfos = null!;
    private byte[][] _canonicals = null!;
    private int _next;

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var issuer = Fixture.Service(CacheSize);
        _invitations = new Invitation[Channels];
        _contexts = new InvitationContext[Channels];
        _channelInfos = new byte[Channels][];
        _canonicals = new byte[Channels][];
        for (var i = 0; i < Channels; i++)
        {
            var channel = Jid.Parse($"c{i:D7}@mix.shakespeare.example");
            _invitations[i] = issuer.IssueNow(Fixture.Request(channel)).Issued.Invitation;
            _contexts[i] = Fixture.Context(channel);
            _channelInfos[i] = Fixture.ChannelKeyInfo(channel);
            _canonicals[i] = Fixture.Canonical(channel);
        }

        _baselines = new Baselines(issuer.IssueNow(Fixture.Request()).Issued.Invitation.Token);
        _service = Fixture.Service(CacheSize);
        // Every channel is checked once at 10³ and 10⁴; a thousand spread over the rest above (set-up time, at 10⁶).
        for (var i = 0; i < Channels; i += Math.Max(1, Channels / 10_000))
        {
            if (!_service.TryValidate(_invitations[i], _contexts[i], out _) || !_baselines.F2Validate(_invitations[i].Token, _channelInfos[i], _canonicals[i]))
            {
                throw new InvalidOperationException($"Channel {i} was refused.");
            }
        }
    }

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

    private int Next()
    {
        var i = _next;
        _next = i + 1 == Channels ? 0 : i + 1;
        return i;
    }
}
