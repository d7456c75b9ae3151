using System.Buffers.Binary;
using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>
/// The grants part of a token (docs/design/grants-and-narrowing.md section 2.1), present when flag bit 1 is set.
/// </summary>
/// <remarks>
/// <code>
/// grants = L || entry_1 || … || entry_k     L = bytes of the entries, 1–33; k ≥ 1
/// entry  = (kind &lt;&lt; 5 | length) || value   kinds strictly ascending, so each at most once and one spelling
/// kind 1 role   1 byte, 1–255 (server-defined)
/// kind 2 nodes  16-bit mask, bits 0–9 the XEP-0369 nodes below, 10–15 zero, not 0
/// kind 3 nick   UTF-8, 1–16 bytes, no control character
/// kind 4 label  UTF-8, 1–10 bytes, no control character
/// kind 5–7      reserved: read (reported as unknown), never written
/// </code>
/// Choices: the kind and the length share one byte, so a role grant costs 2 bytes and a plain token with one stays
/// at 42 characters (issue 19: at most 48); lengths on every entry let a reader report kinds it does not know rather
/// than refuse the structure; the nick and label caps keep a use-limited token with every grant at its longest at
/// 96 characters. Every rule here is structure, checked before the tag, and every violation is <c>Malformed</c>.
/// </remarks>
internal static class TokenGrantsCodec
{
    internal const int KindRole = 1;
    internal const int KindNodes = 2;
    internal const int KindNick = 3;
    internal const int KindLabel = 4;
    internal const int MaxNickBytes = InvitationGrants.MaxNickBytes;
    internal const int MaxLabelBytes = InvitationGrants.MaxLabelBytes;

    /// <summary>The longest the entries may be: every known kind at its longest.</summary>
    internal const int MaxEntriesBytes = 2 + 3 + (1 + MaxNickBytes) + (1 + MaxLabelBytes);

    /// <summary>The longest grants part: the length byte and the entries.</summary>
    internal const int MaxPartBytes = 1 + MaxEntriesBytes;

    /// <summary>The nodes bits this edition defines (bits 0–9).</summary>
    internal const ushort KnownNodes = 0x03FF;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Gets the size of the grants part that <see cref="Write"/> writes.</summary>
    /// <param name="grants">The grants; must grant something, with no unknown kinds.</param>
    /// <returns>The size in bytes, 3 to <see cref="MaxPartBytes"/>.</returns>
    /// <exception cref="ArgumentException">Thrown when the grants are empty, hold unknown kinds, a nodes mask with bits of no defined node, or a nick or label that is empty, too long or holds a control character.</exception>
    internal static int GetSize(in TokenGrants grants)
    {
        if (grants.IsEmpty)
        {
            throw new ArgumentException("A grants part must grant something.", nameof(grants));
        }

        if (grants.UnknownKinds != 0)
        {
            throw new ArgumentException("Grants of kinds this edition does not define cannot be written.", nameof(grants));
        }

        if ((grants.Nodes & ~KnownNodes) != 0)
        {
            throw new ArgumentException("The nodes mask holds bits of no defined node.", nameof(grants));
        }

        var size = 1;
        size += grants.RoleId != 0 ? 2 : 0;
        size += grants.Nodes != 0 ? 3 : 0;
        size += grants.Nick is { } nick ? 1 + TextSize(nick, MaxNickBytes, nameof(TokenGrants.Nick)) : 0;
        size += grants.Label is { } label ? 1 + TextSize(label, MaxLabelBytes, nameof(TokenGrants.Label)) : 0;
        return size;
    }

    /// <summary>Writes the grants part.</summary>
    /// <param name="grants">The grants.</param>
    /// <param name="destination">At least <see cref="GetSize"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">Thrown as by <see cref="GetSize"/>, or when <paramref name="destination"/> is too short.</exception>
    internal static int Write(in TokenGrants grants, Span<byte> destination)
    {
        var size = GetSize(grants);
        if (destination.Length < size)
        {
            throw new ArgumentException("The destination is too short for the grants part.", nameof(destination));
        }

        destination[0] = (byte)(size - 1);
        var at = 1;
        if (grants.RoleId != 0)
        {
            destination[at++] = EntryByte(KindRole, 1);
            destination[at++] = grants.RoleId;
        }

        if (grants.Nodes != 0)
        {
            destination[at++] = EntryByte(KindNodes, 2);
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], grants.Nodes);
            at += 2;
        }

        at += WriteText(KindNick, grants.Nick, destination[at..]);
        at += WriteText(KindLabel, grants.Label, destination[at..]);
        return at;
    }

    /// <summary>Reads a grants part at the start of <paramref name="source"/>, checking its structure only.</summary>
    /// <param name="source">The bytes after the header; the grants part is a prefix of them.</param>
    /// <param name="grants">The grants read, when well-formed.</param>
    /// <param name="consumed">The size of the grants part, when well-formed.</param>
    /// <returns><see langword="true"/> when the part is well-formed; <see langword="false"/> for anything a validator refuses as <c>Malformed</c>.</returns>
    internal static bool TryRead(ReadOnlySpan<byte> source, out TokenGrants grants, out int consumed)
    {
        grants = default;
        consumed = 0;
        if (source.IsEmpty || source[0] == 0 || source[0] > MaxEntriesBytes || source.Length < 1 + source[0])
        {
            return false;
        }

        var entries = source.Slice(1, source[0]);
        var read = default(TokenGrants);
        var lastKind = 0;
        while (!entries.IsEmpty)
        {
            var kind = entries[0] >> 5;
            var length = entries[0] & 0x1F;
            if (kind <= lastKind || entries.Length < 1 + length)
            {
                return false;
            }

            var value = entries.Slice(1, length);
            switch (kind)
            {
                case KindRole when length == 1 && value[0] != 0:
                    read = read with { RoleId = value[0] };
                    break;
                case KindNodes when length == 2 && BinaryPrimitives.ReadUInt16BigEndian(value) is var nodes && nodes != 0 && (nodes & ~KnownNodes) == 0:
                    read = read with { Nodes = nodes };
                    break;
                case KindNick when TryReadText(value, MaxNickBytes, out var nick):
                    read = read with { Nick = nick };
                    break;
                case KindLabel when TryReadText(value, MaxLabelBytes, out var label):
                    read = read with { Label = label };
                    break;
                case > KindLabel:
                    read = read with { UnknownKinds = (byte)(read.UnknownKinds | (1 << (kind - 1))) };
                    break;
                default:
                    // Kind 0, or a known kind whose value breaks its rule.
                    return false;
            }

            lastKind = kind;
            entries = entries[(1 + length)..];
        }

        grants = read;
        consumed = 1 + source[0];
        return true;
    }

    /// <summary>The token form of public grants (their shape checked by <see cref="GetSize"/>).</summary>
    /// <param name="grants">The grants; the role must be 1–255 when set.</param>
    /// <returns>The grants to write; empty when they grant nothing.</returns>
    internal static TokenGrants From(InvitationGrants grants) => new()
    {
        RoleId = (byte)(grants.Role ?? 0),
        Nodes = (ushort)grants.Nodes,
        Nick = grants.Nick,
        Label = grants.Label,
    };

    private static byte EntryByte(int kind, int length) => (byte)((kind << 5) | length);

    private static int TextSize(string text, int max, string field)
    {
        int size;
        try
        {
            size = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"The {field} grant is not valid Unicode text.", field, e);
        }

        if (size == 0 || size > max || HasControl(text))
        {
            throw new ArgumentException($"The {field} grant must be 1 to {max} bytes of UTF-8 with no control character.", field);
        }

        return size;
    }

    private static int WriteText(int kind, string? text, Span<byte> destination)
    {
        if (text is null)
        {
            return 0;
        }

        var length = StrictUtf8.GetBytes(text, destination[1..]);
        destination[0] = EntryByte(kind, length);
        return 1 + length;
    }

    private static bool TryReadText(ReadOnlySpan<byte> value, int max, out string? text)
    {
        text = null;
        if (value.IsEmpty || value.Length > max || !System.Text.Unicode.Utf8.IsValid(value))
        {
            return false;
        }

        var decoded = StrictUtf8.GetString(value);
        if (HasControl(decoded))
        {
            return false;
        }

        text = decoded;
        return true;
    }

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
