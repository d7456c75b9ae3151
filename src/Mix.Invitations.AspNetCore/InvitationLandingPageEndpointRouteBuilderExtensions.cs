using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Mix.Invitations.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Mix.Invitations landing page onto an ASP.NET Core app.</summary>
public static class InvitationLandingPageEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the landing page that Mix.Invitations landing links point at: <c>GET pattern</c> serves the page, and
    /// <c>pattern/landing.css</c>, <c>pattern/landing.js</c> and <c>pattern/qrcode.js</c> its assets.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Build links for it with <c>InvitationUri.ToLandingLink(invitation, new Uri("https://host/invite"))</c>: the
    /// invitation travels in the fragment (<c>https://host/invite#coven@mix.example?join;preauth=TOKEN</c>), which
    /// browsers never send to a server. The page's own script reads it and shows the channel, the inviter when the
    /// link names one, and the expiry read from the token's (unverified) header, with an "open in your app" button, a
    /// copy button and a QR code of the <c>xmpp:</c> URI. An expired link says so; a malformed one says that.
    /// </para>
    /// <para>
    /// The server serves only static assets, embedded in this assembly: it never sees the token. Every response carries
    /// a strict <c>Content-Security-Policy</c> (no inline script or style, no connections, no frames),
    /// <c>Referrer-Policy: no-referrer</c> and <c>X-Content-Type-Options: nosniff</c>. The page's text is English,
    /// German or French, chosen by the request's <c>Accept-Language</c>; without JavaScript it tells the reader to paste
    /// the link into an XMPP app.
    /// </para>
    /// </remarks>
    /// <param name="endpoints">The app or route builder.</param>
    /// <param name="pattern">The page's path, a literal such as <c>/invite</c> (no route parameters); assets are served below it.</param>
    /// <returns>The endpoints' convention builder, to add conventions such as <c>RequireHost</c>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="endpoints"/> or <paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="pattern"/> does not start with <c>/</c>, or holds a route parameter, a query or a fragment.</exception>
    /// <example>
    /// <code>
    /// var app = WebApplication.CreateBuilder(args).Build();
    /// app.MapInvitationLandingPage("/invite");
    /// app.Run();
    /// </code>
    /// </example>
    public static IEndpointConventionBuilder MapInvitationLandingPage(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/invite")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        if (!pattern.StartsWith('/') || pattern.AsSpan().IndexOfAny("{}?#*") >= 0)
        {
            throw new ArgumentException("The landing page's pattern must be a literal path starting with '/', such as \"/invite\", without route parameters, query or fragment.", nameof(pattern));
        }

        var basePath = pattern.TrimEnd('/');
        var group = endpoints.MapGroup(basePath.Length == 0 ? "/" : basePath);
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        group.MapMethods("/", methods, context => LandingPage.WritePageAsync(context, basePath));
        foreach (var asset in LandingPage.Assets)
        {
            group.MapMethods("/" + asset.Name, methods, context => LandingPage.WriteAssetAsync(context, asset));
        }

        return group;
    }
}
