using System.Globalization;
using System.Security.Cryptography;

namespace Mix.Invitations.Component;

/// <summary>Where the component connects, what it is called, and the invitation key it signs with.</summary>
internal sealed class ComponentOptions
{
    /// <summary>Gets or sets the XMPP server's host name or address.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the server's component port (XEP-0114; Prosody and ejabberd use 5347 by convention).</summary>
    public int Port { get; set; } = 5347;

    /// <summary>Gets or sets the component's domain, the part after the <c>@</c> of every channel it serves.</summary>
    public string Domain { get; set; } = "mix.localhost";

    /// <summary>Gets or sets the shared secret of the component connection (<c>component_secret</c> in Prosody).</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Gets or sets the invitation key (base64, at least 32 random bytes), or null to generate one at start.</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the landing page the create command's <c>landing-url</c> points at, or null for <c>https://DOMAIN/invite</c>.</summary>
    public Uri? LandingPage { get; set; }

    /// <summary>Gets the channels created at start, each with its owner: (channel localpart, owner bare JID).</summary>
    public IList<(string Channel, string Owner)> Owners { get; } = [];

    /// <summary>
    /// Gets or sets how many invitations one participant may ask for per window in one channel (owners are exempt).
    /// Small for the demo, so a refusal is easy to see; the library's own default is 10 per hour.
    /// </summary>
    public InvitationRateLimitOptions ParticipantRate { get; set; } = new() { PermitLimit = 3, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Gets the usage text of <see cref="Parse"/>.</summary>
    public const string Usage = """
        Mix.Invitations.Component: an XEP-0114 external component serving invitation-only MIX channels.

        options (each also read from the environment variable in brackets):
          --host HOST          the XMPP server                          [MIX_COMPONENT_HOST]   default 127.0.0.1
          --port PORT          its component port                       [MIX_COMPONENT_PORT]   default 5347
          --domain DOMAIN      the component's domain                   [MIX_COMPONENT_DOMAIN] default mix.localhost
          --secret SECRET      the component secret (required)          [MIX_COMPONENT_SECRET]
          --key BASE64         invitation key, >= 32 random bytes       [MIX_COMPONENT_KEY]    default: generated at start
          --landing-page URL   the page of the web links (landing-url)  [MIX_COMPONENT_LANDING_PAGE] default https://DOMAIN/invite
          --owner CHANNEL=JID  create CHANNEL owned by JID (repeatable) [MIX_COMPONENT_OWNERS] "c1=a@x;c2=b@y"
          --participant-rate N/WINDOW  invitations per participant per channel, WINDOW in s, m or h
                                                                    [MIX_COMPONENT_PARTICIPANT_RATE] default 3/1m
        """;

    /// <summary>Reads the options from the command line, falling back to the environment.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="environment">Reads an environment variable (injected for tests).</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">Thrown when an argument is unknown or a value is not valid.</exception>
    public static ComponentOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new ComponentOptions();
        string? port = environment("MIX_COMPONENT_PORT");
        string? rate = environment("MIX_COMPONENT_PARTICIPANT_RATE");
        options.Host = environment("MIX_COMPONENT_HOST") ?? options.Host;
        options.Domain = environment("MIX_COMPONENT_DOMAIN") ?? options.Domain;
        options.Secret = environment("MIX_COMPONENT_SECRET") ?? options.Secret;
        options.Key = environment("MIX_COMPONENT_KEY");
        string? landing = environment("MIX_COMPONENT_LANDING_PAGE");
        foreach (var pair in (environment("MIX_COMPONENT_OWNERS") ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.Owners.Add(ParseOwner(pair));
        }

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            switch (name)
            {
                case "--host": options.Host = Value(); break;
                case "--port": port = Value(); break;
                case "--domain": options.Domain = Value(); break;
                case "--secret": options.Secret = Value(); break;
                case "--key": options.Key = Value(); break;
                case "--landing-page": landing = Value(); break;
                case "--owner": options.Owners.Add(ParseOwner(Value())); break;
                case "--participant-rate": rate = Value(); break;
                default: throw new FormatException($"Unknown argument '{name}'.");
            }
        }

        if (port is not null)
        {
            options.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p
                : throw new FormatException($"The port '{port}' is not a number between 1 and 65535.");
        }

        if (landing is not null)
        {
            options.LandingPage = Uri.TryCreate(landing, UriKind.Absolute, out var page) && (page.Scheme == Uri.UriSchemeHttps || page.Scheme == Uri.UriSchemeHttp) && page.Fragment.Length == 0
                ? page
                : throw new FormatException($"The landing page '{landing}' is not an absolute http or https URL without a fragment.");
        }

        if (rate is not null)
        {
            options.ParticipantRate = ParseRate(rate);
        }

        if (string.IsNullOrEmpty(options.Secret))
        {
            throw new FormatException("The component secret is required (--secret or MIX_COMPONENT_SECRET).");
        }

        return options;
    }

    /// <summary>Builds the library options: one key, the given one or a fresh random one, and the participants' rate.</summary>
    /// <param name="generated">Set when the key was generated, so its tokens die with the process.</param>
    /// <returns>The invitation options.</returns>
    public MixInvitationOptions ToInvitationOptions(out bool generated)
    {
        generated = string.IsNullOrEmpty(Key);
        var options = new MixInvitationOptions();
        options.Keys.Add(new InvitationKeyOptions
        {
            Id = 1,
            Secret = generated ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : Key!,
        });

        // The built-in rules' other defaults stand: participants invite only where the channel lets them (XEP-0406),
        // owners are exempt, anyone else may not invite.
        options.Issuance.Roles[InvitationRoles.Participant].InviterRate = new InvitationRateLimitOptions
        {
            PermitLimit = ParticipantRate.PermitLimit,
            Window = ParticipantRate.Window,
        };
        return options;
    }

    /// <summary>Reads <c>N/WINDOW</c>: for example <c>3/1m</c>, <c>10/1h</c> or <c>5/30s</c>.</summary>
    private static InvitationRateLimitOptions ParseRate(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(value.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= 1_000_000
            && value.Length - slash > 2
            && int.TryParse(value.AsSpan(slash + 1, value.Length - slash - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 604_800
            && value[^1] switch { 's' => TimeSpan.FromSeconds(count), 'm' => TimeSpan.FromMinutes(count), 'h' => TimeSpan.FromHours(count), _ => TimeSpan.Zero } is var window
            && window > TimeSpan.Zero && window <= TimeSpan.FromDays(7))
        {
            return new InvitationRateLimitOptions { PermitLimit = limit, Window = window };
        }

        throw new FormatException($"The participant rate '{value}' is not N/WINDOW (1 to 1000000 per 1s to 168h, e.g. 3/1m).");
    }

    private static (string Channel, string Owner) ParseOwner(string value)
    {
        var at = value.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && at < value.Length - 1
            ? (value[..at], value[(at + 1)..])
            : throw new FormatException($"'{value}' is not CHANNEL=OWNER-JID.");
    }
}
