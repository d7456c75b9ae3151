using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

[assembly: NeutralResourcesLanguage("en")]

namespace Mix.Invitations.AspNetCore;

/// <summary>The page and its assets, embedded in this assembly, and the headers every response carries.</summary>
internal static class LandingPage
{
    /// <summary>
    /// Only the page's own files run or style it; images are the page's own or the QR code's data: URI; no fetch,
    /// no form, no frame, no base; and no string reaches an HTML or script sink (Trusted Types, with no policy: the
    /// page writes only text). A violation is a bug: the browser tests fail on any.
    /// </summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; font-src 'none'; " +
        "object-src 'none'; media-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

    /// <summary>The cultures the page is written in; the first is the default.</summary>
    internal static readonly CultureInfo[] Cultures = [CultureInfo.GetCultureInfo("en"), CultureInfo.GetCultureInfo("de"), CultureInfo.GetCultureInfo("fr")];

    /// <summary>The keys of <c>Resources/LandingPageStrings.resx</c> that the page's template names as <c>{{Key}}</c>.</summary>
    internal static readonly string[] StringKeys =
    [
        "Title", "Heading", "NoScript", "ChannelLabel", "InviterLabel", "InviteeLabel", "ExpiresLabel", "UntrustedNote", "OpenButton", "LinkLabel",
        "CopyButton", "Copied", "CopyFailed", "QrCaption", "QrAlt", "Expired", "Malformed", "Missing", "Personal",
    ];

    internal static readonly Asset[] Assets =
    [
        new("landing.css", "text/css; charset=utf-8"),
        new("landing.js", "text/javascript; charset=utf-8"),
        new("qrcode.js", "text/javascript; charset=utf-8"),
    ];

    private static readonly ResourceManager Strings = new("Mix.Invitations.AspNetCore.Resources.LandingPageStrings", typeof(LandingPage).Assembly);

    private static readonly string Template = Encoding.UTF8.GetString(ReadResource("landing.html"));

    /// <summary>The page with every string filled in, per culture; <c>{{Base}}</c> is left for the request.</summary>
    private static readonly Dictionary<string, string> Pages = Cultures.ToDictionary(c => c.Name, Localise, StringComparer.Ordinal);

    /// <summary>Serves the localised page, its assets addressed below <paramref name="basePath"/>.</summary>
    internal static Task WritePageAsync(HttpContext context, string basePath)
    {
        var culture = ChooseCulture(context.Request.Headers.AcceptLanguage);
        var assetBase = HtmlEncoder.Default.Encode(context.Request.PathBase.Add(new PathString(basePath)).ToUriComponent());
        var html = Pages[culture.Name].Replace("{{Base}}", assetBase, StringComparison.Ordinal);
        var response = context.Response;
        SetSecurityHeaders(response);
        response.Headers.ContentLanguage = culture.Name;
        response.Headers.Vary = HeaderNames.AcceptLanguage;
        response.Headers.CacheControl = "no-cache";
        return WriteAsync(context, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(html));
    }

    /// <summary>Serves one static asset.</summary>
    internal static Task WriteAssetAsync(HttpContext context, Asset asset)
    {
        SetSecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return WriteAsync(context, asset.ContentType, asset.Content);
    }

    /// <summary>
    /// The first supported language in the header by quality (then order); English when none is: <c>de-CH</c> picks
    /// German, <c>*</c> and unknown languages the default.
    /// </summary>
    internal static CultureInfo ChooseCulture(IList<string>? acceptLanguage)
    {
        if (acceptLanguage is null || !StringWithQualityHeaderValue.TryParseList(acceptLanguage, out var languages))
        {
            return Cultures[0];
        }

        foreach (var language in languages.Where(l => (l.Quality ?? 1) > 0).OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = language.Value.AsSpan();
            var dash = tag.IndexOf('-');
            var primary = dash < 0 ? tag : tag[..dash];
            foreach (var culture in Cultures)
            {
                if (primary.Equals(culture.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return culture;
                }
            }
        }

        return Cultures[0];
    }

    internal static byte[] ReadResource(string name)
    {
        using var stream = typeof(LandingPage).Assembly.GetManifestResourceStream("Mix.Invitations.AspNetCore." + name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing from Mix.Invitations.AspNetCore.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Localise(CultureInfo culture)
    {
        var page = new StringBuilder(Template);
        page.Replace("{{Lang}}", culture.Name);
        foreach (var key in StringKeys)
        {
            var text = Strings.GetString(key, culture) ?? throw new InvalidOperationException($"The landing page's string {key} is missing.");
            page.Replace("{{" + key + "}}", HtmlEncoder.Default.Encode(text));
        }

        return page.ToString();
    }

    private static void SetSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
    }

    private static Task WriteAsync(HttpContext context, string contentType, byte[] content)
    {
        var response = context.Response;
        response.ContentType = contentType;
        response.ContentLength = content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }

    /// <summary>A static file served below the page.</summary>
    internal sealed class Asset(string name, string contentType)
    {
        public string Name { get; } = name;

        public string ContentType { get; } = contentType;

        public byte[] Content { get; } = ReadResource(name);
    }
}
