using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Mix.Invitations;

/// <summary>
/// Builds and parses invitation links: <c>xmpp:</c> URIs (RFC 5122 with a XEP-0147 query action) such as
/// <c>xmpp:coven@mix.shakespeare.lit?join;preauth=TOKEN</c>, and https landing links that carry the same URI in the
/// fragment, such as <c>https://invite.example/#coven@mix.shakespeare.lit?join;preauth=TOKEN</c>.
/// </summary>
/// <remarks>
/// <para>
/// Built links use the <c>join</c> action, then <c>;preauth=</c>, then <c>;inviter=</c> and <c>;invitee=</c> when the
/// invitation names them. Everything but RFC 3986 unreserved characters is percent-encoded as UTF-8 (so
/// <c>@</c> in a query value becomes <c>%40</c>). Pairs are always separated by <c>;</c>.
/// </para>
/// <para>
/// Parsing also accepts the form seen in the wild, <c>xmpp:channel?mix&amp;preauth=TOKEN</c>: <c>mix</c> as the action
/// and <c>&amp;</c> as a separator. Unknown keys are ignored; a repeated <c>preauth</c>, <c>inviter</c> or
/// <c>invitee</c> is refused as ambiguous. <c>+</c> is a literal plus, never a space (RFC 3986).
/// </para>
/// <para>
/// Parsing refuses a link longer than <see cref="InvitationReaderSettings.MaxUriLength"/> (8 KiB by default) before
/// reading it, and is linear in the link's length; its error messages name the part and the problem and never quote
/// the link.
/// </para>
/// <para>
/// Security: the landing link keeps the token in the fragment, which browsers do not send to the web server, so
/// the token stays out of server logs. A bearer link is a secret: anyone holding it can join.
/// </para>
/// </remarks>
public static class InvitationUri
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Builds the <c>xmpp:</c> URI of an invitation.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <returns>For example <c>xmpp:coven@mix.shakespeare.lit?join;preauth=TOKEN;inviter=hag66%40shakespeare.lit</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when the invitation's token holds an unpaired surrogate, which no URI can carry.</exception>
    public static string ToXmppUri(Invitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var builder = new StringBuilder("xmpp:", 128);
        AppendBody(builder, invitation);
        return builder.ToString();
    }

    /// <summary>Builds an https landing link that carries the invitation's <c>xmpp:</c> URI (without its scheme) in the fragment.</summary>
    /// <param name="invitation">The invitation.</param>
    /// <param name="landingPage">The page that handles the link, for example <c>https://invite.example/</c>; it must be an absolute http or https URI without a fragment.</param>
    /// <returns>For example <c>https://invite.example/#coven@mix.shakespeare.lit?join;preauth=TOKEN</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> or <paramref name="landingPage"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="landingPage"/> is not an absolute http or https URI, or has a fragment; or when the invitation's token holds an unpaired surrogate.</exception>
    public static string ToLandingLink(Invitation invitation, Uri landingPage)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(landingPage);
        if (!landingPage.IsAbsoluteUri || (landingPage.Scheme != Uri.UriSchemeHttps && landingPage.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The landing page must be an absolute http or https URI.", nameof(landingPage));
        }

        if (landingPage.Fragment.Length > 0)
        {
            throw new ArgumentException("The landing page must not have a fragment; the invitation goes there.", nameof(landingPage));
        }

        var builder = new StringBuilder(landingPage.AbsoluteUri, 160);
        builder.Append('#');
        AppendBody(builder, invitation);
        return builder.ToString();
    }

    /// <summary>Parses an <c>xmpp:</c> URI or an http(s) landing link into an invitation.</summary>
    /// <param name="uri">The link.</param>
    /// <param name="settings">The limits to apply (<see cref="InvitationReaderSettings.MaxUriLength"/>), or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns>The invitation: the channel from the path, the token from <c>preauth</c>, and the inviter and invitee when present.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="uri"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvitationFormatException">Thrown when the link is malformed or longer than the limit; the message names the part and the problem.</exception>
    public static Invitation Parse(string uri, InvitationReaderSettings? settings = null) =>
        TryParse(uri, out var invitation, out var error, settings) ? invitation : throw new InvitationFormatException(error);

    /// <summary>Tries to parse an <c>xmpp:</c> URI or an http(s) landing link into an invitation.</summary>
    /// <param name="uri">The link.</param>
    /// <param name="invitation">The invitation, or <see langword="null"/> on failure.</param>
    /// <param name="error">On failure, a message naming the part and the problem (never the token, nor any other text of the link); otherwise <see langword="null"/>.</param>
    /// <param name="settings">The limits to apply (<see cref="InvitationReaderSettings.MaxUriLength"/>), or <see langword="null"/> for <see cref="InvitationReaderSettings.Default"/>.</param>
    /// <returns><see langword="true"/> when the link held an invitation.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="uri"/> is <see langword="null"/>.</exception>
    public static bool TryParse(string uri, [NotNullWhen(true)] out Invitation? invitation, [NotNullWhen(false)] out string? error, InvitationReaderSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        invitation = null;
        var maxLength = (settings ?? InvitationReaderSettings.Default).MaxUriLength;
        if (uri.Length > maxLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The link is {uri.Length} characters, more than the limit of {maxLength}");
            return false;
        }

        var text = uri.AsSpan();
        foreach (var c in text)
        {
            if (c <= ' ' || c == '\u007F')
            {
                error = "The link holds a space or control character, which a URI cannot";
                return false;
            }
        }

        var colon = text.IndexOf(':');
        if (colon <= 0)
        {
            error = "The link has no scheme; expected xmpp:, https: or http:";
            return false;
        }

        var scheme = text[..colon];
        ReadOnlySpan<char> body;
        if (scheme.Equals("xmpp", StringComparison.OrdinalIgnoreCase))
        {
            body = text[(colon + 1)..];
            var hash = body.IndexOf('#');
            if (hash >= 0)
            {
                body = body[..hash];
            }

            if (body.StartsWith("//"))
            {
                // RFC 5122 authpath: xmpp://auth@host/channel?… names the account to act as; the channel follows.
                var slash = body[2..].IndexOf('/');
                if (slash < 0)
                {
                    error = "The xmpp: URI has an authority but no channel JID after it";
                    return false;
                }

                body = body[(slash + 3)..];
            }
        }
        else if (scheme.Equals("https", StringComparison.OrdinalIgnoreCase) || scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            var hash = text.IndexOf('#');
            if (hash < 0)
            {
                error = "The landing link has no fragment; the invitation is carried after '#'";
                return false;
            }

            body = text[(hash + 1)..];
            if (body.StartsWith("xmpp:", StringComparison.OrdinalIgnoreCase))
            {
                body = body[5..];
            }
        }
        else
        {
            error = "The link's scheme is not xmpp, https or http";
            return false;
        }

        return TryParseBody(body, out invitation, out error);
    }

    private static void AppendBody(StringBuilder builder, Invitation invitation)
    {
        ThrowIfUnpairedSurrogate(invitation);
        var channel = invitation.Channel;
        if (channel.Local is { } local)
        {
            AppendEncoded(builder, local);
            builder.Append('@');
        }

        AppendEncoded(builder, channel.Domain);
        builder.Append("?join;preauth=");
        AppendEncoded(builder, invitation.Token);
        if (invitation.Inviter is { } inviter)
        {
            builder.Append(";inviter=");
            AppendEncoded(builder, inviter.ToString());
        }

        if (invitation.Invitee is { } invitee)
        {
            builder.Append(";invitee=");
            AppendEncoded(builder, invitee.ToString());
        }
    }

    /// <summary>
    /// UTF-8 cannot carry an unpaired surrogate: percent-encoding would put U+FFFD in its place, and the link would hold
    /// another token. Only the token can hold one (JIDs are PRECIS-checked); the message never quotes it.
    /// </summary>
    private static void ThrowIfUnpairedSurrogate(Invitation invitation)
    {
        var token = invitation.Token;
        for (var i = 0; i < token.Length; i++)
        {
            if (!char.IsSurrogate(token[i]))
            {
                continue;
            }

            if (char.IsHighSurrogate(token[i]) && i + 1 < token.Length && char.IsLowSurrogate(token[i + 1]))
            {
                i++;
                continue;
            }

            throw new ArgumentException("The invitation's token holds an unpaired surrogate, which a URI cannot carry. Tokens this library issues never do.", nameof(invitation));
        }
    }

    // RFC 3986 §2.3 unreserved characters stay; everything else becomes %XX of its UTF-8 bytes, upper-case hex.
    private static void AppendEncoded(StringBuilder builder, string text)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnreserved(c))
            {
                builder.Append(c);
                continue;
            }

            int count;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                count = Encoding.UTF8.GetBytes(text.AsSpan(i, 2), utf8);
                i++;
            }
            else
            {
                count = Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
            }

            foreach (var b in utf8[..count])
            {
                builder.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
            }
        }
    }

    private static char HexUpper(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool TryParseBody(ReadOnlySpan<char> body, [NotNullWhen(true)] out Invitation? invitation, [NotNullWhen(false)] out string? error)
    {
        invitation = null;
        var question = body.IndexOf('?');
        var path = question < 0 ? body : body[..question];
        if (path.IsEmpty)
        {
            error = "The link names no channel JID";
            return false;
        }

        if (!TryDecode(path, "channel JID", out var channelText, out error))
        {
            return false;
        }

        if (!Jid.TryParse(channelText.AsSpan(), out var channel, out var jidError))
        {
            error = $"The link's channel JID is not valid: {jidError}";
            return false;
        }

        if (question < 0)
        {
            error = "The link has no query; expected ?join;preauth=…";
            return false;
        }

        var query = body[(question + 1)..];
        string? token = null;
        Jid? inviter = null, invitee = null;
        var first = true;

        // Pairs end at ';' or '&'. An empty pair is seen without a search call: a link of 8 000 empty pairs (";&;&…")
        // cost a vectorised search per pair, 30 times a plain link of the same length.
        var start = 0;
        while (true)
        {
            var rest = query[start..];
            var end = rest.Length > 0 && rest[0] is ';' or '&' ? 0 : rest.IndexOfAny(';', '&');
            var part = end < 0 ? rest : rest[..end];
            if (first)
            {
                // XEP-0147 query type: join (XEP-0045 style) or the informal mix.
                if (!part.SequenceEqual("join") && !part.SequenceEqual("mix"))
                {
                    error = "The link's query action is not join or mix";
                    return false;
                }

                first = false;
            }
            else if (!part.IsEmpty && !TryApplyPair(part, ref token, ref inviter, ref invitee, out error))
            {
                return false;
            }

            if (end < 0)
            {
                break;
            }

            start += end + 1;
        }

        if (token is null)
        {
            error = "The link has no preauth token";
            return false;
        }

        invitation = new Invitation(channel, token, inviter, invitee);
        error = null;
        return true;
    }

    private static bool TryApplyPair(ReadOnlySpan<char> pair, ref string? token, ref Jid? inviter, ref Jid? invitee, [NotNullWhen(false)] out string? error)
    {
        var equals = pair.IndexOf('=');
        var rawKey = equals < 0 ? pair : pair[..equals];
        string key;
        if (!rawKey.Contains('%'))
        {
            // Nothing to decode: compared as it is, so unknown keys cost no allocation (a link of thousands of them).
            key = rawKey switch
            {
                "preauth" => "preauth",
                "inviter" => "inviter",
                "invitee" => "invitee",
                _ => string.Empty,
            };
        }
        else if (!TryDecode(rawKey, "query key", out key!, out error))
        {
            return false;
        }

        if (key is not ("preauth" or "inviter" or "invitee"))
        {
            error = null;
            return true; // Unknown keys are extensions (name, ibr, …): ignored.
        }

        if (equals < 0)
        {
            error = $"The link's '{key}' has no value";
            return false;
        }

        if (!TryDecode(pair[(equals + 1)..], key, out var value, out error))
        {
            return false;
        }

        if (value.Length == 0)
        {
            error = $"The link's '{key}' is empty";
            return false;
        }

        if (key == "preauth")
        {
            if (token is not null)
            {
                error = "The link has more than one preauth, which is ambiguous";
                return false;
            }

            token = value;
            return true;
        }

        if ((key == "inviter" ? inviter : invitee) is not null)
        {
            error = $"The link has more than one {key}, which is ambiguous";
            return false;
        }

        if (!Jid.TryParse(value.AsSpan(), out var jid, out var jidError))
        {
            error = $"The link's {key} is not a valid JID: {jidError}";
            return false;
        }

        if (key == "inviter")
        {
            inviter = jid;
        }
        else
        {
            invitee = jid;
        }

        return true;
    }

    private static bool TryDecode(ReadOnlySpan<char> text, string what, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        if (!text.Contains('%'))
        {
            value = text.ToString();
            error = null;
            return true;
        }

        value = null;
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                length += Encoding.UTF8.GetBytes(text.Slice(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), bytes.AsSpan(length));
                if (char.IsHighSurrogate(c) && i + 1 < text.Length)
                {
                    i++;
                }

                continue;
            }

            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                error = $"The link's {what} has a bad percent escape at offset {i}";
                return false;
            }

            bytes[length++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
            i += 2;
        }

        try
        {
            value = StrictUtf8.GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            error = $"The link's {what} percent-decodes to bytes that are not UTF-8";
            return false;
        }

        error = null;
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
