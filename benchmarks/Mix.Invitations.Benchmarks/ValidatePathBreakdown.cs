using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// Where validation spends its time beyond the HMAC floor: the pieces of the cached-key path, each measured alone,
/// restated from the library's internals (which stay internal) or called through its public API.
/// </summary>
/// <remarks>Diagnostic rows for docs/benchmarks.md's profile; no target applies to them.</remarks>
[MemoryDiagnoser]
public class ValidatePathBreakdown
{
    private static readonly SearchValues<char> Base64UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly SearchValues<char> LastOf4UnusedBits = SearchValues.Create("AQgw");
    private static readonly SearchValues<char> LastOf2UnusedBits = SearchValues.Create("AEIMQUYcgkosw048");

    private readonly ConcurrentDictionary<(int KeyId, Jid Channel), object> _cache = new();
    private readonly object?[] _pool = new object?[4];
    private bool _referenced;
    private string _token = null!;
    private IncrementalHash _hmac = null!;
    private byte[] _macInput = null!;

    [GlobalSetup]
    public void Setup()
    {
        var service = Fixture.Service();
        _token = service.IssueNow(Fixture.Request()).Issued.Invitation.Token;
        _cache[(Fixture.KeyId, Fixture.Channel)] = new object();
        _pool[1] = new object();
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, new byte[32]);
        _macInput = new byte[36 + 12 + Fixture.Canonical().Length];
    }

    [GlobalCleanup]
    public void Cleanup() => _hmac.Dispose();

    /// <summary>The library's first canonical form: GetByteCount, a 1 KiB stack buffer, then TryWrite (which now takes the fast path below for bare JIDs).</summary>
    [Benchmark(Description = "canonical form: count + write (first version)")]
    public int CanonicalCountThenWrite()
    {
        var length = InvitationCanonicalForm.GetByteCount(Fixture.Channel, Fixture.Inviter, Fixture.Invitee);
        Span<byte> buffer = stackalloc byte[1024];
        InvitationCanonicalForm.TryWrite(Fixture.Channel, Fixture.Inviter, Fixture.Invitee, buffer, out var written);
        return length + written;
    }

    /// <summary>One pass: TryWrite into the stack buffer; for bare JIDs it assembles the form from their precomputed canonical texts with one length check (the library now).</summary>
    [Benchmark(Description = "canonical form: write from precomputed texts (now)")]
    public int CanonicalWriteOnly()
    {
        Span<byte> buffer = stackalloc byte[1024];
        InvitationCanonicalForm.TryWrite(Fixture.Channel, Fixture.Inviter, Fixture.Invitee, buffer, out var written);
        return written;
    }

    /// <summary>The strict decode as it was: alphabet check, decode, re-encode and compare (one spelling per token).</summary>
    [Benchmark(Description = "token decode, strict by re-encoding (before)")]
    public int DecodeStrictReencode()
    {
        Span<byte> bytes = stackalloc byte[48];
        var written = DecodeInAlphabet(bytes);
        if (written < 0)
        {
            return -1;
        }

        Span<char> again = stackalloc char[64];
        Base64Url.TryEncodeToChars(bytes[..written], again, out var chars);
        return again[..chars].SequenceEqual(_token) ? written : -1;
    }

    /// <summary>
    /// TokenCodec.TryDecode now: alphabet check, decode, and the last character looked up in the set of characters whose
    /// unused bits are zero (the same inputs refused as by re-encoding).
    /// </summary>
    [Benchmark(Description = "token decode, strict by unused bits (now)")]
    public int DecodeStrictUnusedBits()
    {
        Span<byte> bytes = stackalloc byte[48];
        var written = DecodeInAlphabet(bytes);
        if (written < 0)
        {
            return -1;
        }

        var unusedBits = (6 * _token.Length) - (8 * written);
        return (unusedBits == 4 && !LastOf4UnusedBits.Contains(_token[^1])) || (unusedBits == 2 && !LastOf2UnusedBits.Contains(_token[^1])) ? -1 : written;
    }

    /// <summary>The part both strict decodes share: the alphabet check, then the decode; -1 when a character is outside the alphabet.</summary>
    private int DecodeInAlphabet(Span<byte> bytes)
    {
        if (_token.AsSpan().ContainsAnyExcept(Base64UrlAlphabet))
        {
            return -1;
        }

        Base64Url.DecodeFromChars(_token, bytes, out _, out var written);
        return written;
    }

    /// <summary>F1's decode alone, for comparison with the strict one.</summary>
    [Benchmark(Description = "token decode, plain (F1's)")]
    public int DecodePlain()
    {
        Span<byte> bytes = stackalloc byte[48];
        Base64Url.DecodeFromChars(_token, bytes, out _, out var written);
        return written;
    }

    /// <summary>ChannelKeyCache.Get and Entry.Rent/Return on a hit: a (key id, channel) lookup, the referenced bit read (set only when clear), two pool exchanges.</summary>
    [Benchmark(Description = "key cache hit: lookup + referenced bit + rent/return")]
    public object CacheHit()
    {
        _cache.TryGetValue((Fixture.KeyId, Fixture.Channel), out var entry);
        if (!Volatile.Read(ref _referenced))
        {
            Volatile.Write(ref _referenced, true);
        }

        var state = Interlocked.Exchange(ref _pool[1], null)!;
        Interlocked.CompareExchange(ref _pool[1], state, null);
        return entry!;
    }

    /// <summary>Three AppendData calls (label, header, canonical) and GetHashAndReset: the library's MAC before this change.</summary>
    [Benchmark(Description = "HMAC, 3 appends (before)")]
    public int Hmac3Appends()
    {
        Span<byte> tag = stackalloc byte[32];
        _hmac.AppendData(_macInput.AsSpan(0, 36));
        _hmac.AppendData(_macInput.AsSpan(36, 12));
        _hmac.AppendData(_macInput.AsSpan(48));
        return _hmac.GetHashAndReset(tag);
    }

    /// <summary>One AppendData over the assembled input: the library's MAC now.</summary>
    [Benchmark(Description = "HMAC, 1 append (now)")]
    public int Hmac1Append()
    {
        Span<byte> tag = stackalloc byte[32];
        _hmac.AppendData(_macInput);
        return _hmac.GetHashAndReset(tag);
    }

    /// <summary>The fixed cost of one OpenSSL digest, whatever the input: SHA-256 of nothing.</summary>
    [Benchmark(Description = "SHA256.HashData(empty)")]
    public int Sha256Empty()
    {
        Span<byte> hash = stackalloc byte[32];
        return SHA256.HashData(ReadOnlySpan<byte>.Empty, hash);
    }

    [Benchmark(Description = "TimeProvider.System.GetUtcNow()")]
    public DateTimeOffset Clock() => TimeProvider.System.GetUtcNow();
}
