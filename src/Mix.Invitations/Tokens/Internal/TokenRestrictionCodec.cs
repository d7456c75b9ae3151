using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mix.Invitations.Internal;

/// <summary>
/// The restriction chain of a narrowed token (docs/design/grants-and-narrowing.md sections 2.2 and 3), present when
/// flag bit 2 is set, and the chained MAC step that authenticates it.
/// </summary>
/// <remarks>
/// <code>
/// restriction = kind || body          fixed size per kind, no length byte; 1 to 8 of them, back to back, before the tag
/// kind 1 invitee     (no body)                       1 byte   chain context: the canonical bare invitee (UTF-8)
/// kind 2 expires-at  uint32 seconds                  5 bytes
/// kind 3 uses        uint16 max uses || 8-byte nonce 11 bytes
/// kind 4 grants      kept kinds (1 byte) || kept nodes (uint16)  4 bytes
/// t_i = HMAC-SHA256(key = t_{i-1}, "Mix.Invitations restriction v1" || 0x00 || r_i || context_i)[0..16]
/// </code>
/// Choices: only the final tag travels, so a restriction carries no MAC of its own and removing one needs a tag the
/// holder never had; each intermediate tag is 16 bytes because each was once a holder's final tag. Unknown kinds are
/// refused (a verifier cannot evaluate a predicate it does not know), unlike unknown grants, which can be reported.
/// Rejected: per-restriction truncated MACs (each would be the valid tag of the wider prefix).
/// </remarks>
internal static class TokenRestrictionCodec
{
    /// <summary>The most restrictions a token may carry.</summary>
    internal const int MaxRestrictions = 8;

    /// <summary>The largest restriction (a uses restriction).</summary>
    internal const int MaxRestrictionBytes = 11;

    /// <summary>The kept-kinds bits a grants restriction may set (kinds 1–7).</summary>
    internal const byte KnownKindBits = 0x7F;

    private const int StackMessageBytes = 512;

    /// <summary>Domain separation of a chain step from the root MAC and the token id: 30 bytes of ASCII, then a zero byte.</summary>
    internal static ReadOnlySpan<byte> ChainLabel => "Mix.Invitations restriction v1\0"u8;

    /// <summary>Gets the size of a restriction of this kind, or −1 for a kind this edition does not define.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The size in bytes, kind byte included.</returns>
    internal static int SizeOf(TokenRestrictionKind kind) => kind switch
    {
        TokenRestrictionKind.Invitee => 1,
        TokenRestrictionKind.ExpiresAt => 5,
        TokenRestrictionKind.Uses => 11,
        TokenRestrictionKind.Grants => 4,
        _ => -1,
    };

    /// <summary>Writes a restriction.</summary>
    /// <param name="restriction">The restriction.</param>
    /// <param name="destination">At least <see cref="TokenRestriction.Size"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">Thrown when the restriction is not one a reader accepts, or <paramref name="destination"/> is too short.</exception>
    internal static int Write(in TokenRestriction restriction, Span<byte> destination)
    {
        if (!IsWellFormed(restriction))
        {
            throw new ArgumentException("The restriction is not well-formed.", nameof(restriction));
        }

        var size = restriction.Size;
        if (destination.Length < size)
        {
            throw new ArgumentException("The destination is too short for the restriction.", nameof(destination));
        }

        destination[0] = (byte)restriction.Kind;
        switch (restriction.Kind)
        {
            case TokenRestrictionKind.ExpiresAt:
                BinaryPrimitives.WriteUInt32BigEndian(destination[1..], restriction.ExpiresAt);
                break;
            case TokenRestrictionKind.Uses:
                BinaryPrimitives.WriteUInt16BigEndian(destination[1..], restriction.MaxUses);
                BinaryPrimitives.WriteUInt64BigEndian(destination[3..], restriction.Nonce);
                break;
            case TokenRestrictionKind.Grants:
                destination[1] = restriction.KeptKinds;
                BinaryPrimitives.WriteUInt16BigEndian(destination[2..], restriction.KeptNodes);
                break;
        }

        return size;
    }

    /// <summary>Reads one restriction at the start of <paramref name="source"/>, checking its structure only.</summary>
    /// <param name="source">The bytes from the restriction on.</param>
    /// <param name="restriction">The restriction, when well-formed.</param>
    /// <returns><see langword="true"/> when well-formed; <see langword="false"/> for anything a validator refuses as <c>Malformed</c>.</returns>
    internal static bool TryRead(ReadOnlySpan<byte> source, out TokenRestriction restriction)
    {
        restriction = default;
        if (source.IsEmpty)
        {
            return false;
        }

        var kind = (TokenRestrictionKind)source[0];
        var size = SizeOf(kind);
        if (size < 0 || source.Length < size)
        {
            return false;
        }

        var read = kind switch
        {
            TokenRestrictionKind.ExpiresAt => TokenRestriction.Expiring(BinaryPrimitives.ReadUInt32BigEndian(source[1..])),
            TokenRestrictionKind.Uses => TokenRestriction.LimitingUses(BinaryPrimitives.ReadUInt16BigEndian(source[1..]), BinaryPrimitives.ReadUInt64BigEndian(source[3..])),
            TokenRestrictionKind.Grants => TokenRestriction.KeepingGrants(source[1], BinaryPrimitives.ReadUInt16BigEndian(source[2..])),
            _ => TokenRestriction.ToInvitee(),
        };
        if (!IsWellFormed(read))
        {
            return false;
        }

        restriction = read;
        return true;
    }

    /// <summary>Reads a whole chain: every byte of <paramref name="source"/> must belong to one of 1 to <see cref="MaxRestrictions"/> restrictions.</summary>
    /// <param name="source">The bytes between the header (and grants) and the tag.</param>
    /// <param name="destination">At least <see cref="MaxRestrictions"/> entries; receives the restrictions in order.</param>
    /// <param name="count">The number of restrictions, when well-formed.</param>
    /// <returns><see langword="true"/> when the chain is well-formed.</returns>
    internal static bool TryReadChain(ReadOnlySpan<byte> source, Span<TokenRestriction> destination, out int count)
    {
        count = 0;
        if (source.IsEmpty)
        {
            return false;
        }

        while (!source.IsEmpty)
        {
            if (count == MaxRestrictions || !TryRead(source, out var restriction))
            {
                count = 0;
                return false;
            }

            destination[count++] = restriction;
            source = source[restriction.Size..];
        }

        return true;
    }

    /// <summary>One step of the chain: the tag of the token narrowed by <paramref name="restriction"/>.</summary>
    /// <param name="previousTag">The 16-byte tag of the token being narrowed (t_{i-1}); the step's HMAC key.</param>
    /// <param name="restriction">The restriction's bytes (kind and body).</param>
    /// <param name="context">The restriction's MAC context: the canonical bare invitee for an invitee restriction, empty otherwise.</param>
    /// <param name="nextTag">Receives the 16-byte tag t_i.</param>
    [SkipLocalsInit] // the message buffer is read only up to what was written into it
    internal static void NextTag(ReadOnlySpan<byte> previousTag, ReadOnlySpan<byte> restriction, ReadOnlySpan<byte> context, Span<byte> nextTag)
    {
        var length = ChainLabel.Length + restriction.Length + context.Length;
        byte[]? rented = null;
        Span<byte> message = length <= StackMessageBytes ? stackalloc byte[StackMessageBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            ChainLabel.CopyTo(message);
            restriction.CopyTo(message[ChainLabel.Length..]);
            context.CopyTo(message[(ChainLabel.Length + restriction.Length)..]);
            TokenMac.OneShot(previousTag, message[..length], nextTag[..TokenCodec.TagSize]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool IsWellFormed(in TokenRestriction restriction) => restriction.Kind switch
    {
        TokenRestrictionKind.Invitee => true,
        TokenRestrictionKind.ExpiresAt => true, // "after issued-at" needs the header: checked with the layout
        TokenRestrictionKind.Uses => restriction.MaxUses != 0,
        TokenRestrictionKind.Grants => (restriction.KeptKinds & ~KnownKindBits) == 0 && (restriction.KeptNodes & ~TokenGrantsCodec.KnownNodes) == 0,
        _ => false,
    };
}
