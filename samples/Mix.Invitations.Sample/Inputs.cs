using System.Globalization;

namespace Mix.Invitations.Sample;

/// <summary>Turns command-line text into library values, or a <see cref="UsageException"/> naming the option and the problem.</summary>
internal static class Inputs
{
    public static Jid Jid(string text, string option)
    {
        if (!Mix.Invitations.Jid.TryParse(text, out var jid, out var error))
        {
            throw new UsageException($"{option}: '{text}' is not a valid JID: {error}");
        }

        return jid;
    }

    public static Jid? OptionalJid(string? text, string option) => text is null ? null : Jid(text, option);

    public static TimeSpan? Lifetime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!Sample.Lifetime.TryParse(text, out var lifetime))
        {
            throw new UsageException($"--lifetime: '{text}' is not a lifetime; write 30s, 15m, 12h, 7d, 2w or d.hh:mm:ss");
        }

        return lifetime;
    }

    public static int? Uses(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uses) || uses < 1 || uses > ushort.MaxValue)
        {
            throw new UsageException($"--uses: '{text}' is not a use limit; write a whole number from 1 to {ushort.MaxValue}");
        }

        return uses;
    }

    public static Uri LinkBase(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Fragment.Length > 0)
        {
            throw new UsageException($"--link-base: '{text}' is not an absolute http or https URI without a fragment");
        }

        return uri;
    }

    /// <summary>A label as the library keeps it: checked here, before the key is touched (the library checks it again).</summary>
    public static string? Label(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > InvitationIssueRequest.MaxLabelLength)
        {
            throw new UsageException($"--label: {text.Length} characters; at most {InvitationIssueRequest.MaxLabelLength} are kept");
        }

        if (text.Any(char.IsControl))
        {
            throw new UsageException("--label: control characters (tabs, line breaks) are not allowed");
        }

        return text;
    }

    /// <summary>An instant written in ISO 8601 with a date and a time (<c>2026-03-14T15:09:26Z</c>); without an offset it is UTC.</summary>
    public static DateTimeOffset? OptionalInstant(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length < 11 || trimmed[4] != '-' || trimmed[7] != '-' || (trimmed[10] != 'T' && trimmed[10] != 't')
            || !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            throw new UsageException($"{option}: '{text}' is not an ISO 8601 instant; write e.g. 2026-03-14T15:09:26Z");
        }

        return instant;
    }

    /// <summary>An instant as the sample prints it: UTC, to the second, ISO 8601.</summary>
    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
