using System.Text.Json;

namespace Mix.Invitations.Sample;

/// <summary>
/// Prints an invitation the way <c>issue</c> and <c>narrow</c> both do: as the XEP-0407 <c>&lt;invitation/&gt;</c>, an
/// xmpp: URI, an https landing link (each link followed by a QR code unless asked not to), or JSON.
/// </summary>
internal static class InvitationOutput
{
    private static readonly string[] Formats = ["xml", "uri", "link", "json"];

    /// <summary>Checks <c>--format</c>.</summary>
    /// <exception cref="UsageException">Thrown when it names no format.</exception>
    public static string Format(string text)
    {
        var format = text.ToLowerInvariant();
        return Formats.Contains(format) ? format : throw new UsageException($"--format: '{text}' is not a format; use xml, uri, link or json");
    }

    /// <summary>Writes the invitation in the checked <paramref name="format"/>.</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="invitation">The invitation.</param>
    /// <param name="format">xml, uri, link or json.</param>
    /// <param name="linkBase">The landing page of <c>link</c>.</param>
    /// <param name="drawQr">Whether a link is followed by its QR code.</param>
    /// <param name="darkTerminal">Whether the QR code is drawn for a dark background.</param>
    /// <param name="writeJsonFields">The command's own JSON fields, after channel, inviter, invitee and token.</param>
    public static void Write(TextWriter output, Invitation invitation, string format, Uri linkBase, bool drawQr, bool darkTerminal, Action<Utf8JsonWriter> writeJsonFields)
    {
        switch (format)
        {
            case "xml":
                output.WriteLine(invitation.ToXElement().ToString());
                break;
            case "uri":
            case "link":
                var link = format == "uri" ? InvitationUri.ToXmppUri(invitation) : InvitationUri.ToLandingLink(invitation, linkBase);
                output.WriteLine(link);
                if (drawQr)
                {
                    output.WriteLine();
                    output.Write(TerminalQrCode.Render(link, darkTerminal));
                    output.WriteLine();
                }

                break;
            default:
                WriteJson(output, invitation, writeJsonFields);
                break;
        }
    }

    private static void WriteJson(TextWriter output, Invitation invitation, Action<Utf8JsonWriter> writeFields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("channel", invitation.Channel.ToString());
            WriteJid(json, "inviter", invitation.Inviter);
            WriteJid(json, "invitee", invitation.Invitee);
            json.WriteString("token", invitation.Token);
            writeFields(json);
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteJid(Utf8JsonWriter json, string name, Jid? jid)
    {
        if (jid is { } value)
        {
            json.WriteString(name, value.ToString());
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
