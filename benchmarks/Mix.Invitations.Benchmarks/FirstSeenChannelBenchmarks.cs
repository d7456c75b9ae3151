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
public class FirstSeenChannelBenchmarks : FirstSeenBenchmarkBase
{
    public const int CacheSize = 1024;
    public const int ChannelCount = 4 * CacheSize;

    // Same length as Fixture.Channel's JID, so the bytes hashed match the cached-key rows.
    [GlobalSetup]
    public void Setup() => Populate(ChannelCount, CacheSize, static i => $"c{i:D4}@mix.shakespeare.example", 1);
}
