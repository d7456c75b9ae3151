using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>
/// The MAC primitive every token goes through: HMAC-SHA256 from the BCL under a channel key, truncated to the tag
/// length. It lives with the keys because the cache of keyed HMAC states (<see cref="ChannelKeyCache"/>) runs it; what
/// it is computed over is the token signer's business. Kept apart so the Wycheproof vectors test exactly what tokens
/// use.
/// </summary>
internal static class TokenMac
{
    internal const int FullSize = 32;

    /// <summary>Finishes a keyed HMAC over the data appended so far and writes its first <c>tag.Length</c> bytes (at most 32).</summary>
    [SkipLocalsInit] // the hash is written over the whole buffer before it is copied
    internal static void Finish(IncrementalHash hmac, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[FullSize];
        hmac.GetHashAndReset(full);
        full[..tag.Length].CopyTo(tag);
    }

    /// <summary>
    /// The one-shot form of the same MAC, for a key used once: keying an <see cref="IncrementalHash"/> costs about as
    /// much as the MAC itself, so a channel's first token is computed without one.
    /// </summary>
    [SkipLocalsInit] // the hash is written over the whole buffer before it is copied
    internal static void OneShot(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, Span<byte> tag)
    {
        Span<byte> full = stackalloc byte[FullSize];
        HMACSHA256.HashData(key, message, full);
        full[..tag.Length].CopyTo(tag);
    }
}
