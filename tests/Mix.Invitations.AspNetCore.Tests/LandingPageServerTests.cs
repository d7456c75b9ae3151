using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>What the server sends, read over HTTP from the real host: no browser needed.</summary>
public sealed partial class LandingPageServerTests(LandingPageFixture fixture) : IClassFixture<LandingPageFixture>
{
    private static readonly HttpClient Client = new();

    public static TheoryData<string, string> Paths => new()
    {
        { "/invite", "text/html; charset=utf-8" },
        { "/invite/", "text/html; charset=utf-8" },
        { "/invite/landing.css", "text/css; charset=utf-8" },
        { "/invite/landing.js", "text/javascript; charset=utf-8" },
        { "/invite/qrcode.js", "text/javascript; charset=utf-8" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EveryResponse_CarriesTheStrictSecurityHeaders(string path, string contentType)
    {
        using var response = await Client.GetAsync(new Uri(fixture.Host.Address, path), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be(contentType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Be(LandingPage.ContentSecurityPolicy);
        csp.Should().StartWith("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;")
            .And.NotContain("unsafe").And.Contain("connect-src 'none'").And.Contain("frame-ancestors 'none'");
        response.Headers.GetValues("Referrer-Policy").Single().Should().Be("no-referrer");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
    }

    [Fact]
    public async Task Page_HasNoInlineScriptOrStyle_AndReadsTheFragmentOnlyInItsOwnScript()
    {
        var html = await Client.GetStringAsync(fixture.Host.Page, TestContext.Current.CancellationToken);

        ScriptTag().Matches(html).Should().OnlyContain(m => m.Value.Contains(" src=\"/invite/", StringComparison.Ordinal));
        html.Should().NotContain("<style").And.NotContain(" style=").And.NotMatchRegex(@"\son[a-z]+=");
        html.Should().Contain("<meta name=\"referrer\" content=\"no-referrer\">").And.Contain("<noscript>");
        html.Should().NotContain("{{", "every placeholder is filled");
        html.Should().NotContain("http://").And.NotContain("https://", "nothing is loaded from anywhere else");
    }

    [Theory]
    [InlineData("de-DE,de;q=0.9,en;q=0.5", "de", "Sie sind in einen Chat-Kanal eingeladen")]
    [InlineData("de-CH", "de", "Sie sind in einen Chat-Kanal eingeladen")]
    [InlineData("fr-FR,fr;q=0.9", "fr", "Vous êtes invité dans un salon de discussion")]
    [InlineData("en;q=0.8, fr;q=0.9", "fr", "Vous êtes invité dans un salon de discussion")]
    [InlineData("es-ES,es", "en", "You are invited to a chat channel")]
    [InlineData("de;q=0", "en", "You are invited to a chat channel")]
    [InlineData("*", "en", "You are invited to a chat channel")]
    [InlineData("", "en", "You are invited to a chat channel")]
    public async Task AcceptLanguage_ChoosesThePagesLanguage(string acceptLanguage, string language, string heading)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Host.Page);
        if (acceptLanguage.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.Content.Headers.ContentLanguage.Should().Equal(language);
        response.Headers.Vary.Should().Contain("Accept-Language");
        html.Should().Contain($"<html lang=\"{language}\">").And.Contain($"<h1>{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(heading)}</h1>");
    }

    [Fact]
    public void EveryLanguage_HasEveryString_InItsOwnWords()
    {
        var strings = new ResourceManager("Mix.Invitations.AspNetCore.Resources.LandingPageStrings", typeof(LandingPage).Assembly);
        foreach (var key in LandingPage.StringKeys)
        {
            var english = strings.GetString(key, CultureInfo.GetCultureInfo("en"));
            english.Should().NotBeNullOrWhiteSpace(key);
            foreach (var culture in LandingPage.Cultures.Skip(1))
            {
                var translated = strings.GetString(key, culture);
                translated.Should().NotBeNullOrWhiteSpace($"{key} in {culture.Name}");
                if (key is "Expired" or "Personal")
                {
                    translated.Should().Contain("{0}");
                }
            }
        }

        strings.GetString("Heading", CultureInfo.GetCultureInfo("de")).Should().NotBe(strings.GetString("Heading", CultureInfo.GetCultureInfo("en")));
    }

    [Fact]
    public async Task Head_AndUnknownAssets_AreAnsweredAsExpected()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(fixture.Host.Address, "/invite/landing.js"));
        using var headResponse = await Client.SendAsync(head, TestContext.Current.CancellationToken);
        headResponse.StatusCode.Should().Be(HttpStatusCode.OK);

        using var unknown = await Client.GetAsync(new Uri(fixture.Host.Address, "/invite/secrets.json"), TestContext.Current.CancellationToken);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var post = await Client.PostAsync(fixture.Host.Page, new StringContent("x"), TestContext.Current.CancellationToken);
        post.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("invite")]
    [InlineData("/invite/{id}")]
    [InlineData("/invite?x")]
    [InlineData("/invite#x")]
    public void MapInvitationLandingPage_RefusesAPatternThatIsNotALiteralPath(string pattern)
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var map = () => app.MapInvitationLandingPage(pattern);
        map.Should().Throw<ArgumentException>().WithParameterName(nameof(pattern));
    }

    [Fact]
    public async Task QrEncoder_IsTheBundledPackageWithItsLicence()
    {
        var script = await Client.GetStringAsync(new Uri(fixture.Host.Address, "/invite/qrcode.js"), TestContext.Current.CancellationToken);
        script.Should().Contain("Copyright (c) 2009 Kazuhiko Arase").And.Contain("Licensed under the MIT license");
        System.Text.Encoding.UTF8.GetString(LandingPage.ReadResource("qrcode-generator.LICENSE.txt")).Should().Contain("Permission is hereby granted");
    }

    [Fact]
    public async Task RootPattern_ServesThePageAndItsAssetsAtTheRoot()
    {
        await using var host = await LandingPageHost.StartAsync(TestContext.Current.CancellationToken, "/");
        var html = await Client.GetStringAsync(host.Address, TestContext.Current.CancellationToken);
        html.Should().Contain("<script src=\"/landing.js\" defer>").And.Contain("<link rel=\"stylesheet\" href=\"/landing.css\">");
        using var script = await Client.GetAsync(new Uri(host.Address, "/qrcode.js"), TestContext.Current.CancellationToken);
        script.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>
    /// What a browser downloads for the page (English): HTML, CSS, the page's script and the QR encoder. The numbers
    /// are written to the test output and quoted in the package README; the budget catches an accidental bundle.
    /// </summary>
    [Fact]
    public async Task Payload_StaysWithinItsBudget()
    {
        long total = 0, gzipped = 0;
        var output = TestContext.Current.TestOutputHelper;
        foreach (var path in new[] { "/invite", "/invite/landing.css", "/invite/landing.js", "/invite/qrcode.js" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.Address, path));
            request.Headers.TryAddWithoutValidation("Accept-Language", "en");
            using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var compressed = new MemoryStream();
            await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }

            total += bytes.Length;
            gzipped += compressed.Length;
            output?.WriteLine($"{path}: {bytes.Length} bytes, {compressed.Length} gzipped");
        }

        output?.WriteLine($"total: {total} bytes, {gzipped} gzipped");
        total.Should().BeLessThan(100_000);
        gzipped.Should().BeLessThan(32_000);
    }

    [GeneratedRegex("<script[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex ScriptTag();
}
