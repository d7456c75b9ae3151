using System.Text.Unicode;
using System.Xml;

namespace Mix.Invitations.Internal;

/// <summary>
/// Creates the locked-down <see cref="XmlReader"/> over XML text with what one thread can reuse from one read to the
/// next, so that a stanza's read pays for the stanza rather than for the reader's set-up (issue 20).
/// </summary>
/// <remarks>
/// <para>
/// The reader is always <see cref="XmlReader.Create(Stream, XmlReaderSettings, XmlParserContext)"/> or
/// <see cref="XmlReader.Create(TextReader, XmlReaderSettings, XmlParserContext)"/> with the caller's
/// <see cref="InvitationReaderSettings.XmlSettings"/> (DTDs prohibited, no resolver, the character limits): only its
/// input and its name table change.
/// </para>
/// <para>
/// Text longer than <see cref="MaxUtf8Bytes"/> characters is read exactly as before: over a <see cref="StringReader"/>,
/// with a name table of the reader's own. What follows is for shorter text, which a stanza usually is.
/// </para>
/// <para>
/// Input. Over a <see cref="TextReader"/> the reader allocates a 4,097-character buffer (8 KB) whatever the length of
/// the text; over a seekable stream shorter than 4,096 bytes, buffers of the stream's length. So text whose UTF-8 form
/// fits in <see cref="MaxUtf8Bytes"/> is read as UTF-8 bytes (from this thread's buffer, cleared after the read): the
/// reader decodes them back to the same characters. Text is read through a <see cref="TextReader"/> when its UTF-8 form
/// is longer, when it holds an unpaired surrogate (which UTF-8 cannot carry: the reader reports it as it did), and when
/// it does not start with <c>&lt;</c> and a character other than <c>?</c> or U+0000: that keeps out the XML
/// declaration (whose <c>encoding</c> a reader over bytes would obey, and one over text ignores) and every first four
/// bytes from which the reader would guess an encoding other than UTF-8.
/// </para>
/// <para>
/// Name table. The reader atomises every element and attribute name and namespace in a name table, a new one per reader
/// by default: a table and a string per name, on every read. Here each thread keeps one, filled in advance with the
/// names of XMPP stanzas and of the elements read, and passed in through an <see cref="XmlParserContext"/>. A table
/// only grows, so a thread's table is dropped (and a new one made for the next read) once the names added to it by
/// the input pass <see cref="MaxAddedCharacters"/>: an input full of made-up names costs the same as before, and holds
/// no memory afterwards. The table's hash is <see cref="System.Xml.NameTable"/>'s, randomised per process, so chosen
/// names cannot collide it. Names are not secrets, and neither is a namespace. The reader's namespace scopes are kept
/// in this thread's <see cref="XmlNamespaceManager"/> too (emptied after every read, even one that failed); what a
/// hostile input can leave in it is bounded by the length of short text.
/// </para>
/// </remarks>
internal static class XmlTextInput
{
    /// <summary>The longest UTF-8 form read from bytes: below <c>XmlReader</c>'s 4,096-byte default buffer, which a longer stream gets.</summary>
    internal const int MaxUtf8Bytes = 4095;

    /// <summary>Characters of names the input may add to a thread's table before the table is dropped after the read.</summary>
    internal const int MaxAddedCharacters = 2048;

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Runs <paramref name="read"/> over a reader of <paramref name="xml"/>, with this thread's reusable parts.</summary>
    public static TResult Read<TState, TResult>(string xml, XmlReaderSettings settings, TState state, Func<XmlReader, TState, TResult> read)
    {
        if (xml.Length > MaxUtf8Bytes)
        {
            // Longer than a stanza usually is: the reader as it always was, over text, with a name table of its own.
            using var plain = XmlReader.Create(new StringReader(xml), settings);
            return read(plain, state);
        }

        // Taken out while in use, so a read nested in another on the same thread (none is today) gets its own.
        var scratch = t_scratch ?? new Scratch();
        t_scratch = null;
        var bytes = 0;
        try
        {
            XmlReader reader;
            if (CanReadAsUtf8(xml) && Utf8.FromUtf16(xml, scratch.Bytes, out _, out bytes, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done)
            {
                scratch.Input.Reset(bytes);
                reader = XmlReader.Create(scratch.Input, settings, scratch.Context);
            }
            else
            {
                bytes = 0;
                reader = XmlReader.Create(new StringReader(xml), settings, scratch.Context);
            }

            using (reader)
            {
                return read(reader, state);
            }
        }
        finally
        {
            // The stanza holds a token: it does not stay in this thread's buffer.
            scratch.Bytes.AsSpan(0, bytes).Clear();
            scratch.Input.Reset(0);

            // A read that stopped at an error leaves the scopes of the elements it was in; a table or a list of
            // declarations that the input made large is not kept.
            while (scratch.Namespaces.PopScope())
            {
            }

            if (scratch.Names.AddedCharacters <= MaxAddedCharacters)
            {
                t_scratch = scratch;
            }
        }
    }

    private static bool CanReadAsUtf8(string xml) =>
        xml.Length >= 2 && xml[0] == '<' && xml[1] is not ('?' or '\0');

    private sealed class Scratch
    {
        public Scratch()
        {
            Names = new BoundedNameTable();
            Namespaces = new XmlNamespaceManager(Names);
            Context = new XmlParserContext(Names, Namespaces, null, XmlSpace.None);
            Input = new BufferInput(Bytes);
        }

        public byte[] Bytes { get; } = new byte[MaxUtf8Bytes];

        public BoundedNameTable Names { get; }

        /// <summary>The reader pushes and pops its scopes here instead of in a manager of its own; emptied after each read.</summary>
        public XmlNamespaceManager Namespaces { get; }

        public XmlParserContext Context { get; }

        public BufferInput Input { get; }
    }

    /// <summary>
    /// The first bytes of <see cref="Scratch.Bytes"/> as a seekable, read-only stream the reader may close (the
    /// settings say <c>CloseInput</c>): closing it does nothing, so it is reused.
    /// </summary>
    private sealed class BufferInput(byte[] buffer) : Stream
    {
        private int _length;
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => _position = (int)Math.Clamp(value, 0, _length);
        }

        public void Reset(int length)
        {
            _length = length;
            _position = 0;
        }

        public override int Read(byte[] destination, int offset, int count) => Read(destination.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var count = Math.Min(destination.Length, _length - _position);
            buffer.AsSpan(_position, count).CopyTo(destination);
            _position += count;
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => _length + offset,
            };
            return _position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] source, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // Reused: the reader's CloseInput closes nothing (Stream's own Dispose holds nothing either).
            base.Dispose(disposing);
        }
    }

    /// <summary>A <see cref="System.Xml.NameTable"/> filled in advance, that counts what the input adds to it.</summary>
    private sealed class BoundedNameTable : NameTable
    {
        private static readonly string[] Known =
        [
            string.Empty, "xml", "xmlns", "http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2000/xmlns/", "lang",

            // RFC 6120 stanzas.
            "iq", "message", "presence", "type", "from", "to", "id", "jabber:client", "jabber:server", "body", "error",

            // The elements read, and their namespaces.
            "join", "client-join", "subscribe", "node", "nick", "invitation", "inviter", "invitee", "channel", "token",
            "invite", "invitation-ack", "value", "query", "preauth", "urn:xmpp:mix:pam:2",
            XmlNames.Misc, XmlNames.Core, XmlNames.Pars, XmlNames.LegacyMix0, XmlNames.LegacyMix1,
            XmlNames.LegacyRequestInvitation, XmlNames.LegacyCore0,
        ];

        public BoundedNameTable()
        {
            foreach (var name in Known)
            {
                base.Add(name);
            }
        }

        public int AddedCharacters { get; private set; }

        public override string Add(string key)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (base.Get(key) is { } known)
            {
                return known;
            }

            AddedCharacters += key.Length;
            return base.Add(key);
        }

        public override string Add(char[] key, int start, int len)
        {
            if (base.Get(key, start, len) is { } known)
            {
                return known;
            }

            AddedCharacters += len;
            return base.Add(key, start, len);
        }
    }
}
