using System.Security.Cryptography;
using Mix.Invitations.Internal;
using Mix.Invitations.Tests.Tokens;

namespace Mix.Invitations.Tests.Keys;

public class ChannelKeyCacheTests
{
    private static readonly KeyRingEntry RingKey = KeyRingOptions.Build([new InvitationKeyOptions { Id = 1, Secret = TestKeys.Secret0 }]).Find(1)!;

    private static Jid Channel(int i) => Jid.Parse($"c{i}@mix.shakespeare.example");

    [Fact]
    public void Get_MoreChannelsThanCapacity_StaysBounded()
    {
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));

        for (var i = 0; i < 100; i++)
        {
            cache.Get(RingKey, Channel(i), CountingProvider.Default, TestKeys.Epoch);
        }

        cache.Count.Should().BeInRange(1, 8);
    }

    [Fact]
    public void Get_CapacityBeyondTheFirstRing_FillsToCapacityBeforeEvicting()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(3000, TimeSpan.FromMinutes(5));

        for (var i = 0; i < 3000; i++)
        {
            cache.Get(RingKey, Channel(i), provider, TestKeys.Epoch);
        }

        cache.Count.Should().Be(3000, "the ring grows from 1,024 slots to the capacity before anything is evicted");
        for (var i = 0; i < 3000; i++)
        {
            cache.Get(RingKey, Channel(i), provider, TestKeys.Epoch);
        }

        provider.Calls.Should().Be(3000, "every channel was still cached");
        cache.Get(RingKey, Channel(3000), provider, TestKeys.Epoch);
        cache.Count.Should().Be(3000);
    }

    [Fact]
    public void New_LargestCapacity_IsNotAllocatedUpFront()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var cache = new ChannelKeyCache(10_000_000, TimeSpan.FromMinutes(5));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan(64 * 1024, "a ring of ten million slots would be 80 MB");
        cache.Get(RingKey, TestKeys.Channel, CountingProvider.Default, TestKeys.Epoch);
        cache.Count.Should().Be(1);
    }

    [Fact]
    public void Get_SameChannelTwice_FetchesTheKeyOnce()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));

        var first = cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch);
        var second = cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch.AddSeconds(10));

        second.Should().BeSameAs(first);
        provider.Calls.Should().Be(1);
    }

    [Fact]
    public void Get_AfterLifetime_FetchesTheKeyAgain()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));

        var first = cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch);
        var later = cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch.AddMinutes(6));

        later.Should().NotBeSameAs(first);
        provider.Calls.Should().Be(2);
        cache.Count.Should().Be(1);
    }

    [Fact]
    public void Invalidate_Channel_NextGetFetchesTheKeyAgainAndOtherChannelsStay()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));
        cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch);
        var other = cache.Get(RingKey, TestKeys.OtherChannel, provider, TestKeys.Epoch);

        cache.Invalidate(TestKeys.Channel);
        cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch);

        provider.Calls.Should().Be(3);
        cache.Get(RingKey, TestKeys.OtherChannel, provider, TestKeys.Epoch).Should().BeSameAs(other);
        cache.Count.Should().Be(2);
    }

    [Fact]
    public void Get_WhenFull_EvictsAnEntryNotUsedSinceItWasAdded_AndKeepsTheOneUsedAgain()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(4, TimeSpan.FromMinutes(5));
        for (var i = 0; i < 4; i++)
        {
            cache.Get(RingKey, Channel(i), provider, TestKeys.Epoch);
        }

        var kept = cache.Get(RingKey, Channel(0), provider, TestKeys.Epoch); // used again: its referenced bit is set
        cache.Get(RingKey, Channel(4), provider, TestKeys.Epoch);

        cache.Count.Should().Be(4);
        cache.Get(RingKey, Channel(0), provider, TestKeys.Epoch).Should().BeSameAs(kept);
        provider.Calls.Should().Be(5, "channel 0 was never fetched again");
        cache.Get(RingKey, Channel(1), provider, TestKeys.Epoch);
        provider.Calls.Should().Be(6, "channel 1, added and never used again, was the one evicted");
    }

    [Fact]
    public void Get_HotChannelAmidAScanOfChannelsSeenOnce_StaysCached()
    {
        var provider = new CountingProvider();
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));
        var hot = cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch);

        for (var i = 0; i < 1000; i++)
        {
            cache.Get(RingKey, Channel(i), provider, TestKeys.Epoch);
            cache.Get(RingKey, TestKeys.Channel, provider, TestKeys.Epoch).Should().BeSameAs(hot);
        }

        provider.Calls.Should().Be(1001, "the hot channel's key was fetched once, each scanned channel's once");
        cache.Count.Should().Be(8);
    }

    [Fact]
    public void Get_EveryEntryUsedAgain_StillEvictsAndStaysBounded()
    {
        var cache = new ChannelKeyCache(4, TimeSpan.FromMinutes(5));
        for (var i = 0; i < 4; i++)
        {
            cache.Get(RingKey, Channel(i), CountingProvider.Default, TestKeys.Epoch);
            cache.Get(RingKey, Channel(i), CountingProvider.Default, TestKeys.Epoch);
        }

        // Every bit is set: the hand clears them all in one turn and then evicts the first it finds.
        cache.Get(RingKey, Channel(4), CountingProvider.Default, TestKeys.Epoch);

        cache.Count.Should().Be(4);
    }

    [Fact]
    public void Get_ManyThreadsManyChannels_StaysBoundedAndEveryEntryIsItsChannels()
    {
        var cache = new ChannelKeyCache(16, TimeSpan.FromMinutes(5));
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var channel = Channel((i * 7 + thread) % 64);
                var entry = cache.Get(RingKey, channel, CountingProvider.Default, TestKeys.Epoch);
                entry.Key.Channel.Should().Be(channel);
            }
        });

        cache.Count.Should().BeInRange(1, 16);
        cache.Invalidate(Channel(3));
        cache.Clear();
        cache.Count.Should().Be(0);
    }

    [Fact]
    public void RentAndReturn_ManyTimesAndAfterDisposePooled_GiveTheKeyedMac()
    {
        var cache = new ChannelKeyCache(8, TimeSpan.FromMinutes(5));
        var entry = cache.Get(RingKey, TestKeys.Channel, CountingProvider.Default, TestKeys.Epoch);
        Span<byte> key = stackalloc byte[32];
        new ChannelKeyContext(RingKey, TestKeys.Channel).DeriveDefault(key);
        var expected = HMACSHA256.HashData(key, "input"u8);

        for (var round = 0; round < 3; round++)
        {
            // Hold more states than the pool has slots, so Rent creates some and Return disposes the surplus.
            var rented = Enumerable.Range(0, 20).Select(_ => entry.Rent()).ToList();
            foreach (var hash in rented)
            {
                hash.AppendData("input"u8);
                hash.GetHashAndReset().Should().Equal(expected);
                entry.Return(hash);
            }

            entry.DisposePooled();
        }
    }

    private sealed class CountingProvider : IChannelKeyProvider
    {
        public static CountingProvider Default { get; } = new();

        private int _calls;

        public int Calls => _calls;

        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination)
        {
            Interlocked.Increment(ref _calls);
            return context.DeriveDefault(destination);
        }
    }
}
