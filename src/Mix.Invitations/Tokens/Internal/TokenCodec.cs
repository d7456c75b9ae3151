using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>
/// Token format v1: the byte layout, its strict decoding, and the MAC input. Specified for other implementations in
/// <c>docs/token-format.md</c>.
/// </summary>
/// <remarks>
/// <code>
/// offset size field
///  0     1    version      0x01. A new algorithm or layout is a new version; there is no algorithm field.
///  1     1    flags        bit 0: use-limited (nonce and use limit follow); bit 1: grants follow the header; bit 2:
///                          a restriction chain precedes the tag (sections 13 and 14). Other bits must be 0.
///  2     1    policy id    the binding policy (1 invitee-bound, 2 inviter-bound, 3 unbound, 128-255 custom)
///  3     1    key id       the ring key that signed (0-255)
///  4     4    issued-at    seconds since the Unix epoch, unsigned big-endian
///  8     4    expires-at   seconds since the Unix epoch, unsigned big-endian; greater than issued-at
/// [12    8    nonce        random, use-limited tokens only: two such tokens never coincide]
/// [20    2    max uses     1-65535, big-endian, use-limited tokens only]
///  12|22 16   tag          HMAC-SHA256(channel key, label || header || canonical invitation), first 16 bytes
/// token = base64url(header || [grants] || [restrictions] || tag), no padding: 38 characters, or 51 with a use limit,
/// without grants or restrictions; at most 214.
/// </code>
/// Choices: 32-bit seconds last until 2106 and keep the token short; 128-bit tags give 2^-128 forgery odds per
/// guess, far beyond what online guessing can reach, and halve the tag's share of the token. Rejected: JSON or
/// CBOR claims (longer, and a parser on the unauthenticated path); an algorithm field (algorithm agility is what
/// "alg: none" attacks feed on); encrypting the header (it holds nothing secret, and the JIDs travel beside the
/// token anyway). Decoding is strict: exactly the base64url alphabet, no padding or whitespace, zero trailing bits
/// (the unused bits of the last character are zero, so re-encoding the bytes gives the input back), known flags, exact
/// length — so each token has one spelling.
/// </remarks>
internal static class TokenCodec
{
    internal const byte Version1 = 0x01;
    internal const byte FlagUseLimited = 0x01;
    internal const int TagSize = 16;
    internal const int PlainHeaderSize = 12;
    internal const int LimitedHeaderSize = 22;
    internal const int PlainTokenChars = 38;
    internal const int LimitedTokenChars = 51;

    /// <summary>Flag bit 1: a grants part follows the header (docs/token-format.md section 13).</summary>
    internal const byte FlagGrants = 0x02;

    /// <summary>Flag bit 2: a restriction chain precedes the tag (docs/token-format.md section 14).</summary>
    internal const byte FlagRestricted = 0x04;

    /// <summary>The flag bits this edition defines; any other is malformed.</summary>
    internal const byte KnownFlags = FlagUseLimited | FlagGrants | FlagRestricted;

    /// <summary>The longest token in bytes: a use-limited header, every grant at its longest, 8 uses restrictions, the tag.</summary>
    internal const int MaxTokenBytes = TokenParts.MaxBytes;

    /// <summary>Longest input decoded at all (the characters of <see cref="MaxTokenBytes"/>); longer text is malformed without further work.</summary>
    internal const int MaxTokenChars = ((MaxTokenBytes * 4) + 2) / 3;

    /// <summary>The base64url alphabet (RFC 4648 §5), in value order: a character's index is the 6 bits it encodes.</summary>
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly SearchValues<char> Base64UrlAlphabet = SearchValues.Create(Alphabet);

    /// <summary>The characters whose 6 bits end in two zero bits (values divisible by 4): the last character of a token of 3k + 1 bytes.</summary>
    private static readonly SearchValues<char> LastCharacterOf2UnusedBits = SearchValues.Create(EveryNth(Alphabet, 4));

    /// <summary>The characters whose 6 bits end in four zero bits (values divisible by 16): the last character of a token of 3k + 2 bytes.</summary>
    private static readonly SearchValues<char> LastCharacterOf4UnusedBits = SearchValues.Create(EveryNth(Alphabet, 16));

    /// <summary>Domain separation: a MIX invitation tag can never be replayed as a MAC of another kind of token.</summary>
    internal static ReadOnlySpan<byte> MacLabel => "Mix.Invitations invitation token v1\0"u8;

    private static string EveryNth(string text, int n) => string.Concat(text.Where((_, i) => i % n == 0));

    internal static int HeaderSize(bool useLimited) => useLimited ? LimitedHeaderSize : PlainHeaderSize;

    internal static int TokenChars(bool useLimited) => useLimited ? LimitedTokenChars : PlainTokenChars;

    internal static void WriteHeader(in TokenHeader header, Span<byte> destination)
    {
        destination[0] = Version1;
        destination[1] = (byte)((header.IsUseLimited ? FlagUseLimited : 0) | (header.Flags & FlagGrants));
        destination[2] = header.PolicyId;
        destination[3] = header.KeyId;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], header.IssuedAt);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], header.ExpiresAt);
        if (header.IsUseLimited)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination[12..], header.Nonce);
            BinaryPrimitives.WriteUInt16BigEndian(destination[20..], header.MaxUses);
        }
    }

    /// <summary>Decodes a token's bytes and header; reports only structure and version, never content.</summary>
    /// <param name="token">The token text.</param>
    /// <param name="bytes">At least <see cref="MaxTokenBytes"/> bytes; receives header || tag.</param>
    /// <param name="header">The decoded header.</param>
    /// <returns><see cref="InvitationFailureReason.None"/>, <see cref="InvitationFailureReason.Malformed"/> or <see cref="InvitationFailureReason.UnsupportedVersion"/>.</returns>
    internal static InvitationFailureReason TryDecode(ReadOnlySpan<char> token, Span<byte> bytes, out TokenHeader header) =>
        TryDecode(token, bytes, out header, out _, decodeText: false);

    /// <summary>Decodes a token as <see cref="TryDecode(ReadOnlySpan{char}, Span{byte}, out TokenHeader)"/>, and hands back its parts, so a reader of grants or restrictions splits the token once.</summary>
    /// <param name="token">The token text.</param>
    /// <param name="bytes">At least <see cref="MaxTokenBytes"/> bytes; receives the token's bytes.</param>
    /// <param name="header">The decoded header.</param>
    /// <param name="parts">The token's parts when it has grants or restrictions; <c>default</c> otherwise.</param>
    /// <param name="decodeText">Whether the nick and label grants are decoded into strings (<see cref="TokenParts.GrantsRead"/>).</param>
    /// <returns><see cref="InvitationFailureReason.None"/>, <see cref="InvitationFailureReason.Malformed"/> or <see cref="InvitationFailureReason.UnsupportedVersion"/>.</returns>
    internal static InvitationFailureReason TryDecode(ReadOnlySpan<char> token, Span<byte> bytes, out TokenHeader header, out TokenParts parts, bool decodeText)
    {
        header = default;
        parts = default;
        if (token.IsEmpty || token.Length > MaxTokenChars || token.ContainsAnyExcept(Base64UrlAlphabet))
        {
            return InvitationFailureReason.Malformed;
        }

        if (Base64Url.DecodeFromChars(token, bytes, out var consumed, out var written) != OperationStatus.Done || consumed != token.Length || written == 0)
        {
            return InvitationFailureReason.Malformed;
        }

        // One spelling per token. The alphabet check above already refused padding and whitespace (which the decoder
        // would skip), so what is left is the bits of the last character that encode no byte: they must be zero, or
        // several spellings would decode to the same bytes. Checking them directly costs a set lookup where re-encoding
        // the bytes and comparing the text (which refuses the same inputs) cost ~60 ns per validation.
        var unusedBits = (6 * token.Length) - (8 * written);
        if ((unusedBits == 2 && !LastCharacterOf2UnusedBits.Contains(token[^1])) || (unusedBits == 4 && !LastCharacterOf4UnusedBits.Contains(token[^1])))
        {
            return InvitationFailureReason.Malformed;
        }

        // Shorter than a version and flags byte is a malformed token whatever its first byte says (docs/token-format.md
        // step 1, vector R15): the version is read only from a token long enough to be one.
        if (written < 2)
        {
            return InvitationFailureReason.Malformed;
        }

        if (bytes[0] != Version1)
        {
            return InvitationFailureReason.UnsupportedVersion;
        }

        var flags = bytes[1];
        if ((flags & ~KnownFlags) != 0)
        {
            return InvitationFailureReason.Malformed;
        }

        // A token without grants or restrictions has exactly a header and a tag; one with either is split by its parts,
        // whose layout rules are checked here too, so every reader of a token sees the same structure rules.
        var useLimited = (flags & FlagUseLimited) != 0;
        var extended = (flags & (FlagGrants | FlagRestricted)) != 0;
        if (extended ? TokenParts.TryParse(bytes[..written], out parts, decodeText) != InvitationFailureReason.None : written != HeaderSize(useLimited) + TagSize)
        {
            return InvitationFailureReason.Malformed;
        }

        header = new TokenHeader
        {
            PolicyId = bytes[2],
            KeyId = bytes[3],
            IssuedAt = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]),
            ExpiresAt = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]),
            IsUseLimited = useLimited,
            Flags = flags,
            Length = written,
            Nonce = useLimited ? BinaryPrimitives.ReadUInt64BigEndian(bytes[12..]) : 0,
            MaxUses = useLimited ? BinaryPrimitives.ReadUInt16BigEndian(bytes[20..]) : (ushort)0,
        };

        if (header.ExpiresAt <= header.IssuedAt || (useLimited && header.MaxUses == 0))
        {
            return InvitationFailureReason.Malformed;
        }

        return InvitationFailureReason.None;
    }

    /// <summary>Writes label || header, the part of the MAC input before the canonical form.</summary>
    /// <param name="header">The encoded header.</param>
    /// <param name="destination">At least <c>MacLabel.Length + header.Length</c> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    internal static int WriteMacPrefix(ReadOnlySpan<byte> header, Span<byte> destination)
    {
        MacLabel.CopyTo(destination);
        header.CopyTo(destination[MacLabel.Length..]);
        return MacLabel.Length + header.Length;
    }
}
