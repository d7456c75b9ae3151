namespace Mix.Invitations.Sample;

/// <summary>
/// Reads the invitation a command works on, in the forms <c>verify</c> and <c>narrow</c> take: the
/// <c>&lt;invitation/&gt;</c> XML (or a stanza or <c>&lt;join/&gt;</c> holding one) given as an argument, <c>@path</c> or
/// <c>-</c> (standard input); an xmpp: URI or https landing link (<c>--uri</c>); or a bare token and its channel
/// (<c>--token</c> with <c>--channel</c>, where the command has them). Errors never repeat the token.
/// </summary>
internal static class InvitationInput
{
    /// <summary>Far more than any invitation; the library's reader refuses more than 16 KiB anyway.</summary>
    private const int MaxInputChars = 1 << 20;

    /// <summary>Reads the invitation from exactly one of the forms.</summary>
    /// <param name="input">The positional argument: XML, <c>@path</c> or <c>-</c>.</param>
    /// <param name="uri">The <c>--uri</c> option.</param>
    /// <param name="token">The <c>--token</c> option (a XEP-0379 preauth token), for the commands that take one.</param>
    /// <param name="tokenChannel">The channel a bare token is for, required with <paramref name="token"/>.</param>
    /// <param name="acceptsToken">Whether the command has <c>--token</c>, for the message when nothing is given.</param>
    /// <param name="environment">Standard input.</param>
    /// <exception cref="UsageException">Thrown when none or several forms are given, or the one given is not an invitation.</exception>
    public static Invitation Read(string? input, string? uri, string? token, string? tokenChannel, bool acceptsToken, SampleEnvironment environment)
    {
        var given = (input is null ? 0 : 1) + (uri is null ? 0 : 1) + (token is null ? 0 : 1);
        if (given > 1)
        {
            throw new UsageException(token is null
                ? "give the invitation once: as XML or with --uri, not both"
                : "give the invitation once: as XML, with --uri or with --token, not several");
        }

        if (token is not null)
        {
            if (tokenChannel is null)
            {
                throw new UsageException("--token: a bare token needs --channel, the channel it invites to");
            }

            var channel = Inputs.Jid(tokenChannel, "--channel");
            var trimmed = token.Trim();
            if (trimmed.Length == 0)
            {
                throw new UsageException("--token: the token is empty");
            }

            return Invitation.FromToken(channel, trimmed);
        }

        if (uri is not null)
        {
            if (!InvitationUri.TryParse(uri.Trim(), out var fromUri, out var uriError))
            {
                throw new UsageException($"--uri: not an invitation link: {uriError}");
            }

            return fromUri!;
        }

        if (input is null)
        {
            throw new UsageException(acceptsToken
                ? "give the invitation: as XML, @path, - for standard input, --uri, or --token with --channel"
                : "give the invitation: as XML, @path, - for standard input, or --uri");
        }

        var xml = input switch
        {
            "-" => ReadAll(environment.StandardInput(), "standard input"),
            ['@', .. var path] => ReadFile(path),
            _ => input,
        };

        var start = xml.TrimStart();
        if (start.StartsWith("xmpp:", StringComparison.OrdinalIgnoreCase) || start.StartsWith("http", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("that is a link, not XML: pass it with --uri");
        }

        if (!InvitationXml.TryRead<Invitation>(xml, out var invitation, out var xmlError))
        {
            throw new UsageException($"not an invitation: {xmlError}");
        }

        return invitation!;
    }

    private static string ReadFile(string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException("@ must be followed by a file name");
        }

        try
        {
            using var reader = new StreamReader(path);
            return ReadAll(reader, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {Program.OneLine(ex.Message)}", ex);
        }
    }

    private static string ReadAll(TextReader reader, string what)
    {
        var buffer = new char[MaxInputChars + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = reader.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }

        if (length > MaxInputChars)
        {
            throw new UsageException($"{what} holds more than {MaxInputChars} characters; an invitation is far smaller");
        }

        return new string(buffer, 0, length);
    }
}
