using System.Buffers;
using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>
/// Text escaped as W3C exclusive XML canonicalisation escapes element text: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>
/// and carriage return, written as UTF-8. Shared by the canonical <c>&lt;invitation&gt;</c> and by <see cref="Jid"/>
/// (which keeps its bare form's escaped text), so the most basic type depends on nothing above it.
/// </summary>
internal static class C14nText
{
    private static readonly SearchValues<char> Escaped = SearchValues.Create("&<>\r");

    /// <summary>Gets the escaped UTF-8 bytes of <paramref name="text"/>.</summary>
    internal static byte[] Escape(string text)
    {
        if (!text.AsSpan().ContainsAny(Escaped))
        {
            // Nothing to escape, as in every bare JID (no part of one can hold these): the bytes are the text's UTF-8,
            // which is what the loop below would write, with one vectorised search and one transcoding instead.
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new byte[EscapedByteCount(text)];
        var writer = new Utf8SpanWriter(bytes);
        WriteEscaped(ref writer, text);
        return bytes;
    }

    /// <summary>Gets the number of bytes <see cref="WriteEscaped"/> writes for <paramref name="text"/>.</summary>
    internal static int EscapedByteCount(string text)
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

    /// <summary>Writes <paramref name="text"/> escaped.</summary>
    internal static void WriteEscaped(ref Utf8SpanWriter writer, string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = rest.IndexOfAny(Escaped);
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
}
