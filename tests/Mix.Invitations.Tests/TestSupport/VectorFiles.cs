using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>Reads the copied vectors from the output directory (see Vectors/README.md for their sources).</summary>
internal static class VectorFiles
{
    internal static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "Vectors", relative);

    internal static string ReadText(string relative) => File.ReadAllText(PathOf(relative), Encoding.UTF8);

    internal static JsonDocument ReadJson(string relative) => JsonDocument.Parse(File.ReadAllBytes(PathOf(relative)));

    /// <summary>
    /// Reads a JSON string exactly, including escaped lone surrogates (<c>"\ud800"</c>), which
    /// <see cref="JsonElement.GetString"/> refuses; the PRECIS vectors use them on purpose.
    /// </summary>
    internal static string? GetRawString(this JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var raw = element.GetRawText();
        var builder = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            c = raw[++i];
            switch (c)
            {
                case 'u':
                    builder.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Shows a string with every non-printable-ASCII code unit escaped, for test names and messages.</summary>
    internal static string Escape(string? text)
    {
        if (text is null)
        {
            return "null";
        }

        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)0x7F)
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return builder.ToString();
    }
}
