using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>
/// The MAC primitive every token goes through: HMAC-SHA256 from the BCL, truncated to the tag length, compared in
/// fixed time. Kept apart so the Wycheproof vectors test exactly what tokens use.
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

    /// <summary>
    /// Verifies a presented tag of exactly <paramref name="tagLength"/> bytes over <paramref name="message"/>; any other
    /// length is refused, so a truncated or extended tag never verifies.
    /// </summary>
    internal static bool Verify(IncrementalHash hmac, ReadOnlySpan<byte> message, ReadOnlySpan<byte> presented, int tagLength)
    {
        if (tagLength is < 1 or > FullSize || presented.Length != tagLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[FullSize];
        hmac.AppendData(message);
        Finish(hmac, expected[..tagLength]);
        return CryptographicOperations.FixedTimeEquals(expected[..tagLength], presented);
    }
}
