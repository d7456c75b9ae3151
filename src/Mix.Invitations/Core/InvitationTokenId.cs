using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Mix.Invitations;

/// <summary>
/// Identifies one issued token — in logs, telemetry, ledger keys and revocation — without revealing it: the first
/// 16 bytes of SHA-256 over a fixed label and the token's tag.
/// </summary>
/// <remarks>
/// <para>
/// <c>id = SHA-256("Mix.Invitations token id v1" || 0x00 || tag)[0..16]</c>, where the tag is the token's 16-byte MAC
/// (docs/token-format.md gives the id of every vector). The tag is unique to the token's header and bound fields
/// (use-limited tokens carry a random nonce, so no two of them coincide), so the id is too.
/// </para>
/// <para>
/// The id is one-way: the tag is the only part of a token that cannot be guessed (the header of a token without a use
/// limit is its version, policy, key id and two instants), and SHA-256 cannot be inverted, so knowing an id, the
/// channel and the minute of issue gives no help in building the token. The label keeps the id apart from every other
/// hash of the same bytes. An id may therefore be logged, stored as a key and shown to operators; the token may not.
/// </para>
/// </remarks>
public readonly struct InvitationTokenId : IEquatable<InvitationTokenId>, IComparable<InvitationTokenId>
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

    /// <summary>Domain separation: the id is a hash of the tag under a label no other hash of the library uses.</summary>
    private static ReadOnlySpan<byte> Label => "Mix.Invitations token id v1\0"u8;

    /// <summary>Domain separation for the ids of narrowed copies' use counters.</summary>
    private static ReadOnlySpan<byte> CopyLabel => "Mix.Invitations narrowed id v1\0"u8;

    /// <summary>Computes the id of the token whose 16-byte tag is <paramref name="tag"/>.</summary>
    /// <param name="tag">The token's tag.</param>
    /// <returns>The id.</returns>
    internal static InvitationTokenId FromTag(ReadOnlySpan<byte> tag) => Hash(Label, tag);

    /// <summary>Computes the id of a narrowed copy's uses counter from the chain tag right after its uses restriction (docs/token-format.md section 14).</summary>
    /// <param name="chainTag">The 16-byte chain tag t_i.</param>
    /// <returns>The copy's id.</returns>
    internal static InvitationTokenId FromChainTag(ReadOnlySpan<byte> chainTag) => Hash(CopyLabel, chainTag);

    /// <summary>SHA-256(label || tag)[0..16], with this thread's reused SHA-256 state (<see cref="Internal.ThreadSha256"/>).</summary>
    private static InvitationTokenId Hash(ReadOnlySpan<byte> label, ReadOnlySpan<byte> tag)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Internal.ThreadSha256.HashData(label, tag, hash);
        return new InvitationTokenId(hash[..Size]);
    }

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

    /// <summary>Parses the 32 hexadecimal digits <see cref="ToString"/> writes (either case), for example an id an operator typed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="id">The id, when parsed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is exactly 32 hexadecimal digits.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out InvitationTokenId id)
    {
        Span<byte> bytes = stackalloc byte[Size];
        if (text.Length != 2 * Size || Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            id = default;
            return false;
        }

        id = new InvitationTokenId(bytes);
        return true;
    }

    /// <summary>Orders ids as their 16 bytes (big-endian), which is the ordinal order of their <see cref="ToString"/> forms.</summary>
    /// <param name="other">The other id.</param>
    /// <returns>Less than zero, zero or more than zero as this id sorts before, with or after <paramref name="other"/>.</returns>
    public int CompareTo(InvitationTokenId other)
    {
        var high = _high.CompareTo(other._high);
        return high != 0 ? high : _low.CompareTo(other._low);
    }

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

    /// <summary>Orders two ids (<see cref="CompareTo"/>).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/>.</returns>
    public static bool operator <(InvitationTokenId left, InvitationTokenId right) => left.CompareTo(right) < 0;

    /// <summary>Orders two ids (<see cref="CompareTo"/>).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/> or equals it.</returns>
    public static bool operator <=(InvitationTokenId left, InvitationTokenId right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two ids (<see cref="CompareTo"/>).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/>.</returns>
    public static bool operator >(InvitationTokenId left, InvitationTokenId right) => left.CompareTo(right) > 0;

    /// <summary>Orders two ids (<see cref="CompareTo"/>).</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/> or equals it.</returns>
    public static bool operator >=(InvitationTokenId left, InvitationTokenId right) => left.CompareTo(right) >= 0;
}
