using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>Writes bytes and UTF-8 text into a span, remembering an overflow instead of throwing.</summary>
internal ref struct Utf8SpanWriter(Span<byte> destination)
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
