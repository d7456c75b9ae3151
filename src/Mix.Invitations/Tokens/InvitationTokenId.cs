using System.Buffers.Binary;
using System.Globalization;

namespace Mix.Invitations;

/// <summary>
/// Identifies one issued token, for the redemption ledger: the token's 128-bit tag, which is unique to the
/// token's header and bound fields (use-limited tokens carry a random nonce, so no two of them coincide).
/// </summary>
/// <remarks>The id is derived from the token and reveals nothing the token does not; it is not a secret in itself, but
/// logs should still prefer the key id and reason.</remarks>
public readonly struct InvitationTokenId : IEquatable<InvitationTokenId>
{
    private readonly ulong _high;
    private readonly ulong _low;

    /// <summary>Initializes a new id from its 16 bytes.</summary>
    /// <param name="bytes">Exactly 16 bytes.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="bytes"/> is not 16 bytes long.</exception>
    public InvitationTokenId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException("A token id is exactly 16 bytes.", nameof(bytes));
        }

        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    /// <summary>The size of an id in bytes.</summary>
    public const int Size = 16;

    /// <summary>Writes the 16 bytes of the id.</summary>
    /// <param name="destination">At least 16 bytes.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="destination"/> is shorter than 16 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("The destination must hold 16 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>Returns the id as 32 lowercase hexadecimal digits, the form ledgers use as a key.</summary>
    /// <returns>The hexadecimal form.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_high:x16}{_low:x16}");

    /// <inheritdoc />
    public bool Equals(InvitationTokenId other) => _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InvitationTokenId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Compares two ids.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when they are equal.</returns>
    public static bool operator ==(InvitationTokenId left, InvitationTokenId right) => left.Equals(right);

    /// <summary>Compares two ids.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(InvitationTokenId left, InvitationTokenId right) => !left.Equals(right);
}
