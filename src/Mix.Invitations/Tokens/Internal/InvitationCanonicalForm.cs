using System.Buffers;
using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Internal;

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
internal static class InvitationCanonicalForm
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
        if (channel.HasCanonicalText && inviter is not { HasCanonicalText: false } && invitee is not { HasCanonicalText: false })
        {
            return TryWriteCanonicalTexts(
                channel.CanonicalText,
                inviter is { } i ? i.CanonicalText : default,
                invitee is { } e ? e.CanonicalText : default,
                destination,
                out bytesWritten);
        }

        var writer = new Utf8SpanWriter(destination);
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

    /// <summary>
    /// The canonical form from the JIDs' precomputed canonical texts (bare JIDs carry theirs, already escaped): the
    /// length is known up front, so one check replaces a check per piece. The token MAC goes through here on every
    /// issue and validation.
    /// </summary>
    /// <param name="channel">The channel's canonical text; never empty.</param>
    /// <param name="inviter">The inviter's canonical text, or empty when the form has no inviter.</param>
    /// <param name="invitee">The invitee's canonical text, or empty when the form has no invitee.</param>
    /// <param name="destination">Where to write.</param>
    /// <param name="bytesWritten">The bytes written, or 0 when <paramref name="destination"/> is too small.</param>
    /// <returns><see langword="true"/> when the form fit.</returns>
    internal static bool TryWriteCanonicalTexts(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> inviter, ReadOnlySpan<byte> invitee, Span<byte> destination, out int bytesWritten)
    {
        var length = CanonicalTextsByteCount(channel, inviter, invitee);
        if (length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        Open.CopyTo(destination);
        var position = Open.Length;
        if (!inviter.IsEmpty)
        {
            position = WriteElement(destination, position, "<inviter>"u8, inviter, "</inviter>"u8);
        }

        if (!invitee.IsEmpty)
        {
            position = WriteElement(destination, position, "<invitee>"u8, invitee, "</invitee>"u8);
        }

        position = WriteElement(destination, position, "<channel>"u8, channel, "</channel>"u8);
        Close.CopyTo(destination[position..]);
        bytesWritten = length;
        return true;

        static int WriteElement(Span<byte> destination, int position, ReadOnlySpan<byte> open, ReadOnlySpan<byte> text, ReadOnlySpan<byte> close)
        {
            open.CopyTo(destination[position..]);
            position += open.Length;
            text.CopyTo(destination[position..]);
            position += text.Length;
            close.CopyTo(destination[position..]);
            return position + close.Length;
        }
    }

    /// <summary>The length of the form <see cref="TryWriteCanonicalTexts"/> writes.</summary>
    /// <param name="channel">The channel's canonical text.</param>
    /// <param name="inviter">The inviter's canonical text, or empty.</param>
    /// <param name="invitee">The invitee's canonical text, or empty.</param>
    /// <returns>The number of bytes.</returns>
    internal static int CanonicalTextsByteCount(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> inviter, ReadOnlySpan<byte> invitee) =>
        Open.Length + Close.Length + ElementOverhead("channel") + channel.Length
        + (inviter.IsEmpty ? 0 : ElementOverhead("inviter") + inviter.Length)
        + (invitee.IsEmpty ? 0 : ElementOverhead("invitee") + invitee.Length);

    // <name>text</name>: 2 + name for the open tag, 3 + name for the close tag.
    private static int ElementOverhead(string name) => (2 * name.Length) + 5;

    private static void Check(Jid channel, Jid? inviter, Jid? invitee)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        JidArgument.ThrowIfEmpty(inviter, nameof(inviter));
        JidArgument.ThrowIfEmpty(invitee, nameof(invitee));
    }

    // <name>local@domain</name>: 2 + name + 1 for the open tag, 3 + name for the close tag.
    private static int ElementByteCount(string name, Jid jid)
    {
        if (jid.HasCanonicalText)
        {
            return ElementOverhead(name) + jid.CanonicalText.Length;
        }

        var count = ElementOverhead(name) + C14nText.EscapedByteCount(jid.Domain);
        if (jid.Local is { } local)
        {
            count += C14nText.EscapedByteCount(local) + 1;
        }

        return count;
    }

    private static void WriteElement(ref Utf8SpanWriter writer, ReadOnlySpan<byte> name, Jid jid)
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
                C14nText.WriteEscaped(ref writer, local);
                writer.Write((byte)'@');
            }

            C14nText.WriteEscaped(ref writer, jid.Domain);
        }

        writer.Write("</"u8);
        writer.Write(name);
        writer.Write((byte)'>');
    }
}
