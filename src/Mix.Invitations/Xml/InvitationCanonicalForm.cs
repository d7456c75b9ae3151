using System.Buffers;
using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Writes the canonical <c>&lt;invitation/&gt;</c> bytes a token's MAC covers (see <c>docs/token-format.md</c>).
/// </summary>
/// <remarks>
/// <para>
/// The form is <c>&lt;invitation xmlns="urn:xmpp:mix:misc:0"&gt;</c>, then the bound children in the fixed order
/// <c>inviter</c>, <c>invitee</c>, <c>channel</c>, each holding a normalised bare JID with its text escaped as
/// exclusive XML canonicalisation escapes text (<c>&amp;amp;</c>, <c>&amp;lt;</c>, <c>&amp;gt;</c>, <c>&amp;#xD;</c>),
/// then <c>&lt;/invitation&gt;</c>, in UTF-8 with no whitespace. It is built from parsed values, never copied
/// from incoming bytes, so every serialisation of the same invitation (prefixes, whitespace, comments, CDATA,
/// character references) gives the same bytes, and the result is a fixed point of W3C exc-c14n 1.0.
/// </para>
/// <para>Nothing here allocates: the bytes go into a caller-supplied span or buffer writer.</para>
/// </remarks>
public static class InvitationCanonicalForm
{
    private static ReadOnlySpan<byte> Open => "<invitation xmlns=\"urn:xmpp:mix:misc:0\">"u8;

    private static ReadOnlySpan<byte> Close => "</invitation>"u8;

    /// <summary>Gets the exact number of bytes the canonical form of these fields takes.</summary>
    /// <param name="channel">The channel; always bound.</param>
    /// <param name="inviter">The inviter, or <see langword="null"/> when it is not bound.</param>
    /// <param name="invitee">The invitee, or <see langword="null"/> when it is not bound.</param>
    /// <returns>The length in bytes.</returns>
    /// <exception cref="ArgumentException">Thrown when a JID is the empty <c>default(Jid)</c>.</exception>
    public static int GetByteCount(Jid channel, Jid? inviter, Jid? invitee)
    {
        Check(channel, inviter, invitee);
        var count = Open.Length + Close.Length;
        if (inviter is { } from)
        {
            count += ElementByteCount("inviter", from);
        }

        if (invitee is { } to)
        {
            count += ElementByteCount("invitee", to);
        }

        return count + ElementByteCount("channel", channel);
    }

    /// <summary>Writes the canonical form into <paramref name="destination"/>.</summary>
    /// <param name="channel">The channel; always bound.</param>
    /// <param name="inviter">The inviter, or <see langword="null"/> when it is not bound.</param>
    /// <param name="invitee">The invitee, or <see langword="null"/> when it is not bound.</param>
    /// <param name="destination">Where to write; see <see cref="GetByteCount"/> for the size needed.</param>
    /// <param name="bytesWritten">The number of bytes written, or 0 when the destination is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small; nothing useful is written then.</returns>
    /// <exception cref="ArgumentException">Thrown when a JID is the empty <c>default(Jid)</c>.</exception>
    public static bool TryWrite(Jid channel, Jid? inviter, Jid? invitee, Span<byte> destination, out int bytesWritten)
    {
        Check(channel, inviter, invitee);
        var writer = new SpanWriter(destination);
        writer.Write(Open);
        if (inviter is { } from)
        {
            WriteElement(ref writer, "inviter"u8, from);
        }

        if (invitee is { } to)
        {
            WriteElement(ref writer, "invitee"u8, to);
        }

        WriteElement(ref writer, "channel"u8, channel);
        writer.Write(Close);
        bytesWritten = writer.Overflow ? 0 : writer.Position;
        return !writer.Overflow;
    }

    /// <summary>Writes the canonical form to a buffer writer.</summary>
    /// <param name="channel">The channel; always bound.</param>
    /// <param name="inviter">The inviter, or <see langword="null"/> when it is not bound.</param>
    /// <param name="invitee">The invitee, or <see langword="null"/> when it is not bound.</param>
    /// <param name="writer">The buffer writer.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a JID is the empty <c>default(Jid)</c>.</exception>
    public static int Write(Jid channel, Jid? inviter, Jid? invitee, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var count = GetByteCount(channel, inviter, invitee);
        var span = writer.GetSpan(count);
        TryWrite(channel, inviter, invitee, span, out var written);
        writer.Advance(written);
        return written;
    }

    /// <summary>Returns the canonical form as a new array; a convenience for tests and tools, not for the hot path.</summary>
    /// <param name="channel">The channel; always bound.</param>
    /// <param name="inviter">The inviter, or <see langword="null"/> when it is not bound.</param>
    /// <param name="invitee">The invitee, or <see langword="null"/> when it is not bound.</param>
    /// <returns>The canonical bytes.</returns>
    /// <exception cref="ArgumentException">Thrown when a JID is the empty <c>default(Jid)</c>.</exception>
    public static byte[] ToArray(Jid channel, Jid? inviter, Jid? invitee)
    {
        var bytes = new byte[GetByteCount(channel, inviter, invitee)];
        TryWrite(channel, inviter, invitee, bytes, out _);
        return bytes;
    }

    // The text escaping alone, so tests can hold it against published exc-c14n vectors for arbitrary text
    // (JIDs rarely contain the characters that need escaping).
    internal static byte[] EscapeText(string text)
    {
        var bytes = new byte[EscapedByteCount(text)];
        var writer = new SpanWriter(bytes);
        WriteEscaped(ref writer, text);
        return bytes;
    }

    private static void Check(Jid channel, Jid? inviter, Jid? invitee)
    {
        Error.ThrowIfEmpty(channel, nameof(channel));
        Error.ThrowIfEmpty(inviter, nameof(inviter));
        Error.ThrowIfEmpty(invitee, nameof(invitee));
    }

    // <name>local@domain</name>: 2 + name + 1 for the open tag, 3 + name for the close tag.
    private static int ElementByteCount(string name, Jid jid)
    {
        if (jid.HasCanonicalText)
        {
            return (2 * name.Length) + 5 + jid.CanonicalText.Length;
        }

        var count = (2 * name.Length) + 5 + EscapedByteCount(jid.Domain);
        if (jid.Local is { } local)
        {
            count += EscapedByteCount(local) + 1;
        }

        return count;
    }

    private static void WriteElement(ref SpanWriter writer, ReadOnlySpan<byte> name, Jid jid)
    {
        writer.Write((byte)'<');
        writer.Write(name);
        writer.Write((byte)'>');
        if (jid.HasCanonicalText)
        {
            writer.Write(jid.CanonicalText);
        }
        else
        {
            if (jid.Local is { } local)
            {
                WriteEscaped(ref writer, local);
                writer.Write((byte)'@');
            }

            WriteEscaped(ref writer, jid.Domain);
        }

        writer.Write("</"u8);
        writer.Write(name);
        writer.Write((byte)'>');
    }

    private static int EscapedByteCount(string text)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        foreach (var c in text)
        {
            count += c switch
            {
                '&' => 4,  // &amp;
                '<' or '>' => 3, // &lt; &gt;
                '\r' => 4, // &#xD;
                _ => 0,
            };
        }

        return count;
    }

    private static void WriteEscaped(ref SpanWriter writer, string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = rest.IndexOfAny("&<>\r");
            var plain = special < 0 ? rest : rest[..special];
            writer.WriteUtf8(plain);
            if (special < 0)
            {
                return;
            }

            writer.Write(rest[special] switch
            {
                '&' => "&amp;"u8,
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                _ => "&#xD;"u8,
            });
            rest = rest[(special + 1)..];
        }
    }

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Position { get; private set; }

        public bool Overflow { get; private set; }

        public void Write(byte value)
        {
            if (Position < _destination.Length)
            {
                _destination[Position++] = value;
            }
            else
            {
                Overflow = true;
            }
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            if (!Overflow && bytes.TryCopyTo(_destination[Position..]))
            {
                Position += bytes.Length;
            }
            else
            {
                Overflow = true;
            }
        }

        public void WriteUtf8(ReadOnlySpan<char> text)
        {
            if (!Overflow && Encoding.UTF8.TryGetBytes(text, _destination[Position..], out var written))
            {
                Position += written;
            }
            else
            {
                Overflow = true;
            }
        }
    }
}
