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
public class FirstSeenAtScaleBenchmarks : FirstSeenBenchmarkBase
{
    /// <summary>A quarter of the smallest channel count, so even 10³ channels miss on every call.</summary>
    public const int CacheSize = 250;

    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int Channels { get; set; }

    // Every channel is checked once at 10³ and 10⁴; ten thousand spread over the rest above (set-up time, at 10⁶).
    [GlobalSetup]
    public void Setup() => Populate(Channels, CacheSize, static i => $"c{i:D7}@mix.shakespeare.example", Math.Max(1, Channels / 10_000));
}
