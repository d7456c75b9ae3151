using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using StbImageSharp;
using ZXing;
using ZXing.Common;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>
/// The landing page in a real browser (Debian's chromium, headless, through chromedriver) served by the real host on
/// loopback, opened with links the library builds for invitations it issued. Every page load fails the test on a
/// Content-Security-Policy violation or a console error.
/// </summary>
public sealed class LandingPageBrowserTests(LandingPageFixture fixture) : IClassFixture<LandingPageFixture>
{
    private const int Guard = 120_000;

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>
    /// The screenshots' invitation is issued at a fixed instant (its token has no nonce, so it is the same in every run)
    /// and the docs' images change only when the page does. The page reads no issue time, so a future one is fine.
    /// </summary>
    private static readonly DateTimeOffset ScreenshotIssuedAt = new(2030, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private LandingPageHost Host => fixture.Host;

    [Fact(Timeout = Guard)]
    public async Task Page_ShowsTheChannelTheInviterAndTheExpiry()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
        Visible(driver, "inviter-row").Should().BeTrue();
        Text(driver, "inviter").Should().Be("hag66@shakespeare.example");
        var expires = driver.FindElement(By.Id("expires"));
        expires.GetAttribute("datetime").Should().Be(TestInvitations.ExpiryIso(invitation));
        var expiry = TestInvitations.Expiry(invitation).UtcDateTime;
        expires.Text.Should().Contain(CultureInfo.GetCultureInfo("en-US").DateTimeFormat.GetMonthName(expiry.Month))
            .And.Contain(expiry.Year.ToString(CultureInfo.InvariantCulture));
        Text(driver, "untrusted").Should().Contain("not verified");
        Visible(driver, "open").Should().BeTrue();
        Visible(driver, "expired").Should().BeFalse();
        Visible(driver, "malformed").Should().BeFalse();
        driver.FindElement(By.TagName("html")).GetAttribute("lang").Should().Be("en");
    }

    [Fact(Timeout = Guard)]
    public async Task Page_ForALinkWithoutInviter_ShowsNoInviter()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(2));
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
        Visible(driver, "inviter-row").Should().BeFalse();
        Visible(driver, "expires-row").Should().BeTrue();
    }

    [Fact(Timeout = Guard)]
    public async Task Page_ForAnInviteeBoundLink_NamesTheInvitee()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter, invitee: TestInvitations.Invitee);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Text(driver, "inviter").Should().Be("hag66@shakespeare.example");
        Visible(driver, "invitee-row").Should().BeTrue();
        Text(driver, "invitee").Should().Be("cat@shakespeare.example");
        driver.FindElement(By.Id("open")).GetAttribute("href").Should().Be(InvitationUri.ToXmppUri(invitation));
    }

    [Fact(Timeout = Guard)]
    public async Task Page_AcceptsTheFormSeenInTheWild_MixActionAmpersandAndXmppPrefix()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7));
        var body = "coven@mix.shakespeare.example?mix&preauth=" + invitation.Token;
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page + "#xmpp:" + body, TestContext.Current.CancellationToken);

        Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
        driver.FindElement(By.Id("expires")).GetAttribute("datetime").Should().Be(TestInvitations.ExpiryIso(invitation));
        driver.FindElement(By.Id("open")).GetAttribute("href").Should().Be("xmpp:" + body, "the link is handed to the app as it came");
        InvitationUri.Parse("xmpp:" + body).Token.Should().Be(invitation.Token);
    }

    [Fact(Timeout = Guard)]
    public async Task Page_ShowsPercentEncodedNonAsciiJidsDecoded_AndTheQrCarriesTheLinkAsBuilt()
    {
        var invitation = await TestInvitations.IssueAsync(
            Now, TimeSpan.FromDays(7), Jid.Parse("ΟΔΥΣΣΕΥΣ@ithaca.example"), Jid.Parse("straße@mix.shakespeare.example"));
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Link(invitation).Should().Contain("stra%C3%9Fe@mix", "the library percent-encodes the channel's non-ASCII letters");
        Text(driver, "channel").Should().Be("straße@mix.shakespeare.example");
        Text(driver, "inviter").Should().Be("οδυσσευς@ithaca.example");
        var png = QrScreenshot(driver);
        Screenshots.Save(png, "landing-page-qr-non-ascii.png", forDocs: false);
        DecodeQr(png).Should().Be(InvitationUri.ToXmppUri(invitation));
    }

    [Fact(Timeout = Guard)]
    public async Task Page_WritesHostileLinkTextAsText_NeverAsMarkup()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7));
        var channel = "<b>bold<b>@mix.example";
        var inviter = "\"><i>x<i>&amp;@evil.example";
        var fragment = Uri.EscapeDataString(channel) + "?join;preauth=" + invitation.Token + ";inviter=" + Uri.EscapeDataString(inviter);
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page + "#" + fragment, TestContext.Current.CancellationToken);

        Text(driver, "channel").Should().Be(channel);
        Text(driver, "inviter").Should().Be(inviter);
        driver.FindElements(By.CssSelector("main b, main i")).Should().BeEmpty();
        driver.FindElement(By.Id("open")).GetAttribute("href").Should().StartWith("xmpp:");
    }

    [Fact(Timeout = Guard)]
    public async Task QrCode_DecodesToExactlyTheXmppUri_AsDoTheButtonAndTheCopyField()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var xmppUri = InvitationUri.ToXmppUri(invitation);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        var qr = driver.FindElement(By.Id("qr"));
        qr.GetAttribute("alt").Should().NotBeNullOrWhiteSpace();
        var png = QrScreenshot(driver);
        Screenshots.Save(png, "landing-page-qr.png", forDocs: false);
        DecodeQr(png).Should().Be(xmppUri);
        driver.FindElement(By.Id("open")).GetAttribute("href").Should().Be(xmppUri);
        driver.FindElement(By.Id("uri")).GetAttribute("value").Should().Be(xmppUri);
    }

    [Fact(Timeout = Guard)]
    public async Task ServerLog_HoldsNoToken_AndNoRequestCarriesAReferrer()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);
        var copy = driver.FindElement(By.Id("copy"));
        copy.Click();
        await WaitForTextAsync(driver, "copy-status", TestContext.Current.CancellationToken);
        AssertNoViolations(driver);

        Host.RequestedPaths.Should().Contain(["/invite", "/invite/landing.css", "/invite/landing.js", "/invite/qrcode.js"]);
        var log = Host.Log.ToArray();
        log.Should().NotBeEmpty();
        log.Should().Contain(line => line.Contains("/invite/landing.js", StringComparison.Ordinal), "the log records every request");
        var encodedToken = Uri.EscapeDataString(invitation.Token);
        foreach (var line in log)
        {
            line.Should().NotContain(invitation.Token).And.NotContain(encodedToken).And.NotContain("preauth", "the server never sees the fragment");
        }

        Host.Referers.Should().BeEmpty("Referrer-Policy: no-referrer");
    }

    [Fact(Timeout = Guard)]
    public async Task ExpiredLink_SaysSoInsteadOfOfferingToJoin()
    {
        var invitation = await TestInvitations.IssueAsync(Now.AddDays(-10), TimeSpan.FromDays(1), TestInvitations.Inviter);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Visible(driver, "expired").Should().BeTrue();
        Text(driver, "expired").Should().StartWith("This invitation expired on").And.Contain("Ask the person who invited you");
        driver.SwitchTo().ActiveElement().GetAttribute("id").Should().Be("expired", "the message takes the focus, so a screen reader reads it");
        Visible(driver, "join").Should().BeFalse();
        Visible(driver, "open").Should().BeFalse();
        Visible(driver, "qr").Should().BeFalse();
        Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
        driver.FindElement(By.Id("expires")).GetAttribute("datetime").Should().Be(TestInvitations.ExpiryIso(invitation));
    }

    public static TheoryData<string> MalformedCases =>
    [
        "unknown version", "unknown flag", "truncated token", "token too long", "not base64url", "expiry before issue",
        "no preauth", "two preauth", "not an invitation", "bad percent escape", "unknown action", "no channel",
    ];

    [Theory(Timeout = Guard)]
    [MemberData(nameof(MalformedCases))]
    public async Task MalformedLink_SaysTheLinkIsMalformed(string malformation)
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7));
        var token = invitation.Token;
        var fragment = malformation switch
        {
            "unknown version" => "coven@mix.shakespeare.example?join;preauth=" + WithByte(token, 0, 2),
            "unknown flag" => "coven@mix.shakespeare.example?join;preauth=" + WithByte(token, 1, 0x80),
            "truncated token" => "coven@mix.shakespeare.example?join;preauth=" + token[..^1],
            "token too long" => "coven@mix.shakespeare.example?join;preauth=" + token + "AAAA",
            "not base64url" => "coven@mix.shakespeare.example?join;preauth=" + token[..^1] + "*",
            "expiry before issue" => "coven@mix.shakespeare.example?join;preauth=" + WithByte(token, 8, 0),
            "no preauth" => "coven@mix.shakespeare.example?join",
            "two preauth" => "coven@mix.shakespeare.example?join;preauth=" + token + ";preauth=" + token,
            "not an invitation" => "hello",
            "bad percent escape" => "coven%ZZ@mix.shakespeare.example?join;preauth=" + token,
            "unknown action" => "coven@mix.shakespeare.example?message;preauth=" + token,
            "no channel" => "?join;preauth=" + token,
            _ => throw new ArgumentOutOfRangeException(nameof(malformation)),
        };
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page + "#" + fragment, TestContext.Current.CancellationToken);

        Visible(driver, "malformed").Should().BeTrue(malformation);
        Text(driver, "malformed").Should().StartWith("This link is malformed");
        Visible(driver, "invitation").Should().BeFalse();
        Visible(driver, "missing").Should().BeFalse();
    }

    [Fact(Timeout = Guard)]
    public async Task Page_ForANarrowedLink_ShowsTheEffectiveExpiry_AndThatTheLinkIsForOnePerson()
    {
        var original = await TestInvitations.IssueWithGrantsAsync(Now, TimeSpan.FromDays(7), maxUses: 3, grants: null);
        var until = Now.AddDays(1);
        var narrowed = original.Narrow(new InvitationRestrictions { Invitee = Jid.Parse("viola@illyria.example"), ExpiresAt = until, MaxUses = 1 });
        narrowed.IsNarrowed.Should().BeTrue(narrowed.ToString());
        var driver = fixture.English;
        await OpenAsync(driver, Link(narrowed.Invitation!), TestContext.Current.CancellationToken);

        Visible(driver, "malformed").Should().BeFalse();
        Text(driver, "invitee").Should().Be("viola@illyria.example");
        Visible(driver, "personal").Should().BeTrue();
        Text(driver, "personal").Should().Be("This invitation is for viola@illyria.example only: nobody else can join with it.");
        driver.FindElement(By.Id("expires")).GetAttribute("datetime").Should().Be(
            DateTimeOffset.FromUnixTimeSeconds(until.ToUnixTimeSeconds()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "the copy's own expiry, earlier than the original's, is the one that counts");
        Text(driver, "untrusted").Should().Contain("not verified");
        Visible(driver, "open").Should().BeTrue();
        driver.FindElement(By.Id("open")).GetAttribute("href").Should().Be(InvitationUri.ToXmppUri(narrowed.Invitation!));
    }

    [Fact(Timeout = Guard)]
    public async Task Page_ForALinkWithGrants_ShowsItAsAnyInvitation()
    {
        var invitation = await TestInvitations.IssueWithGrantsAsync(
            Now,
            TimeSpan.FromDays(2),
            maxUses: 10,
            new InvitationGrants { Role = 2, Nodes = MixNodes.Messages | MixNodes.Presence, Nick = "Cesario", Label = "spring" });
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        Visible(driver, "malformed").Should().BeFalse();
        Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
        driver.FindElement(By.Id("expires")).GetAttribute("datetime").Should().Be(TestInvitations.ExpiryIso(invitation));
        Visible(driver, "personal").Should().BeFalse("a bearer link with grants is for whoever holds it");
        Visible(driver, "open").Should().BeTrue();
    }

    public static TheoryData<string> MalformedExtendedCases =>
    [
        "grants flag without grants", "grants longer than the token", "grants kinds out of order", "nodes grant of no node",
        "restrictions flag without restrictions", "unknown restriction kind", "truncated restriction", "nine restrictions",
        "restriction expiring before issue", "grants restriction without grants", "uses restriction of zero",
        "longer than 160 bytes", "narrowed to an invitee the link does not name",
    ];

    [Theory(Timeout = Guard)]
    [MemberData(nameof(MalformedExtendedCases))]
    public async Task MalformedExtendedLayout_SaysTheLinkIsMalformed(string malformation)
    {
        var plain = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7));
        var bytes = Bytes(plain.Token);
        string Extended(byte flags, params byte[] body) => Token([.. bytes[..1], flags, .. bytes[2..12], .. body, .. bytes[^16..]]);
        var invitee = plain.Narrow(new InvitationRestrictions { Invitee = Jid.Parse("viola@illyria.example") }).Invitation!;
        var token = malformation switch
        {
            "grants flag without grants" => Extended(0x02),
            "grants longer than the token" => Extended(0x02, 5, 0x21, 2),
            "grants kinds out of order" => Extended(0x02, 4, 0x41, 1, 0x21, 2),
            "nodes grant of no node" => Extended(0x02, 3, 0x42, 0x04, 0x00),
            "restrictions flag without restrictions" => Extended(0x04),
            "unknown restriction kind" => Extended(0x04, 9),
            "truncated restriction" => Extended(0x04, 3, 0, 1),
            "nine restrictions" => Extended(0x04, 1, 1, 1, 1, 1, 1, 1, 1, 1),
            "restriction expiring before issue" => Extended(0x04, 2, 0, 0, 0, 1),
            "grants restriction without grants" => Extended(0x04, 4, 0x01, 0, 0),
            "uses restriction of zero" => Extended(0x04, 3, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8),
            "longer than 160 bytes" => Extended(0x04, [.. Enumerable.Repeat((byte)1, 133)]),
            "narrowed to an invitee the link does not name" => invitee.Token,
            _ => throw new ArgumentOutOfRangeException(nameof(malformation)),
        };
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page + "#coven@mix.shakespeare.example?join;preauth=" + token, TestContext.Current.CancellationToken);

        Visible(driver, "malformed").Should().BeTrue(malformation);
        Visible(driver, "invitation").Should().BeFalse();
    }

    [Fact(Timeout = Guard)]
    public async Task WellFormedExtendedLayout_OfEightRestrictions_IsShown()
    {
        // The same bytes as "nine restrictions" less one, with invitee= beside it: the structure the page accepts (a
        // validator would refuse the tag, which the page cannot check).
        var plain = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7));
        var bytes = Bytes(plain.Token);
        var token = Token([.. bytes[..1], 0x04, .. bytes[2..12], 1, 1, 1, 1, 1, 1, 1, 1, .. bytes[^16..]]);
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page + "#coven@mix.shakespeare.example?join;preauth=" + token + ";invitee=viola%40illyria.example", TestContext.Current.CancellationToken);

        Visible(driver, "malformed").Should().BeFalse();
        Visible(driver, "personal").Should().BeTrue();
    }

    [Fact(Timeout = Guard)]
    public async Task LinkWithoutFragment_SaysItHoldsNoInvitation()
    {
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page.ToString(), TestContext.Current.CancellationToken);

        Visible(driver, "missing").Should().BeTrue();
        Visible(driver, "invitation").Should().BeFalse();
    }

    [Fact(Timeout = Guard)]
    public async Task PhoneWidth_HasNoHorizontalOverflow()
    {
        var invitation = await TestInvitations.IssueAsync(ScreenshotIssuedAt, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var driver = fixture.English;
        Chromium.Viewport(driver, 360, 740, mobile: true);
        try
        {
            await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);
            var scrollWidth = Convert.ToInt64(driver.ExecuteScript("return document.documentElement.scrollWidth;"), CultureInfo.InvariantCulture);
            var clientWidth = Convert.ToInt64(driver.ExecuteScript("return document.documentElement.clientWidth;"), CultureInfo.InvariantCulture);
            clientWidth.Should().Be(360);
            scrollWidth.Should().BeLessThanOrEqualTo(clientWidth, "nothing on a phone-width page may scroll sideways");
            var qrRight = Convert.ToDouble(driver.ExecuteScript("return document.getElementById('qr').getBoundingClientRect().right;"), CultureInfo.InvariantCulture);
            qrRight.Should().BeLessThanOrEqualTo(360);
            Screenshots.Save(driver.GetScreenshot().AsByteArray, "landing-page-phone.png");
        }
        finally
        {
            driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", []);
        }
    }

    [Fact(Timeout = Guard)]
    public async Task Desktop_HasNoHorizontalOverflow()
    {
        var invitation = await TestInvitations.IssueAsync(ScreenshotIssuedAt, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var driver = fixture.English;
        Chromium.Viewport(driver, 900, 860, mobile: false);
        try
        {
            await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);
            var overflow = driver.ExecuteScript("return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
            overflow.Should().Be(false);
            Screenshots.Save(driver.GetScreenshot().AsByteArray, "landing-page-desktop.png");
        }
        finally
        {
            driver.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", []);
        }
    }

    [Fact(Timeout = Guard)]
    public async Task AcceptLanguage_German_ShowsTheGermanPage()
    {
        var invitation = await TestInvitations.IssueAsync(ScreenshotIssuedAt, TimeSpan.FromDays(7), TestInvitations.Inviter);
        using var driver = Chromium.Start("de-DE,de;q=0.9,en;q=0.5");
        try
        {
            await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

            driver.FindElement(By.TagName("html")).GetAttribute("lang").Should().Be("de");
            driver.FindElement(By.TagName("h1")).Text.Should().Be("Sie sind in einen Chat-Kanal eingeladen");
            Text(driver, "open").Should().Be("In Ihrer App öffnen");
            Text(driver, "channel").Should().Be("coven@mix.shakespeare.example");
            var expiry = TestInvitations.Expiry(invitation).UtcDateTime;
            Text(driver, "expires").Should().Contain(CultureInfo.GetCultureInfo("de-DE").DateTimeFormat.GetMonthName(expiry.Month));
            Chromium.Viewport(driver, 360, 740, mobile: true);
            await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);
            driver.ExecuteScript("return document.documentElement.scrollWidth <= document.documentElement.clientWidth;").Should().Be(true, "German's longer words fit a phone too");
            Screenshots.Save(driver.GetScreenshot().AsByteArray, "landing-page-phone-de.png");
        }
        finally
        {
            driver.Quit();
        }
    }

    [Fact(Timeout = Guard)]
    public async Task WithoutJavaScript_TellsTheReaderToPasteTheLinkIntoAnApp()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter);
        using var driver = Chromium.Start("en-US,en", javaScript: false);
        try
        {
            await Task.Run(() => driver.Navigate().GoToUrl(Link(invitation)), TestContext.Current.CancellationToken);

            var body = driver.FindElement(By.TagName("body")).Text;
            body.Should().Contain("copy this page's full address").And.Contain("paste it into your XMPP app");
            driver.FindElement(By.Id("invitation")).Displayed.Should().BeFalse();
            driver.FindElement(By.Id("malformed")).Displayed.Should().BeFalse();
        }
        finally
        {
            driver.Quit();
        }
    }

    [Fact(Timeout = Guard)]
    public async Task Keyboard_ReachesOpenLinkAndCopy_AndCopyIsAnnounced()
    {
        var invitation = await TestInvitations.IssueAsync(Now, TimeSpan.FromDays(7), TestInvitations.Inviter);
        var driver = fixture.English;
        await OpenAsync(driver, Link(invitation), TestContext.Current.CancellationToken);

        var order = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            new Actions(driver).SendKeys(Keys.Tab).Perform();
            order.Add(driver.SwitchTo().ActiveElement().GetAttribute("id") ?? string.Empty);
        }

        order.Should().Equal("open", "uri", "copy");
        driver.FindElement(By.CssSelector("label[for=uri]")).Text.Should().NotBeNullOrWhiteSpace();
        var status = driver.FindElement(By.Id("copy-status"));
        status.GetAttribute("aria-live").Should().Be("polite");
        new Actions(driver).SendKeys(Keys.Enter).Perform();
        var announced = await WaitForTextAsync(driver, "copy-status", TestContext.Current.CancellationToken);
        announced.Should().BeOneOf("Link copied.", "Could not copy: the link is selected, copy it with your keyboard or menu.");
        AssertNoViolations(driver);
    }

    [Fact(Timeout = Guard)]
    public async Task ViolationHook_RecordsAViolation_SoTheOtherTestsWouldSeeOne()
    {
        var driver = fixture.English;
        await OpenAsync(driver, Host.Page.ToString(), TestContext.Current.CancellationToken);

        driver.ExecuteScript(
            "var image = document.createElement('img'); image.src = 'http://127.0.0.2:9/elsewhere.png'; document.body.appendChild(image);" +
            "try { document.body.insertAdjacentHTML('beforeend', '<b>markup</b>'); } catch (e) { }");
        var violations = await WaitForViolationsAsync(driver, 2, TestContext.Current.CancellationToken);
        violations.Should().Contain(v => v.Contains("img-src", StringComparison.Ordinal), "an image from elsewhere is refused");
        violations.Should().Contain(v => v.Contains("require-trusted-types-for", StringComparison.Ordinal), "markup from a string is refused");
        driver.FindElements(By.TagName("b")).Should().BeEmpty();
    }

    private string Link(Invitation invitation) => InvitationUri.ToLandingLink(invitation, Host.Page);

    /// <summary>Loads the page afresh (a new fragment on the same page would be a same-document navigation) and fails on any CSP violation or console error.</summary>
    private static async Task OpenAsync(ChromeDriver driver, string url, CancellationToken cancellationToken)
    {
        await Task.Run(
            () =>
            {
                driver.Navigate().GoToUrl("about:blank");
                driver.Manage().Logs.GetLog(LogType.Browser);
                driver.Navigate().GoToUrl(url);
            },
            cancellationToken);
        AssertNoViolations(driver);
    }

    private static void AssertNoViolations(ChromeDriver driver) =>
        Chromium.Violations(driver).Should().BeEmpty("the page must run under its Content-Security-Policy without a violation or console error");

    private static async Task<IReadOnlyList<string>> WaitForViolationsAsync(ChromeDriver driver, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            var violations = Chromium.Violations(driver);
            if (violations.Count >= count || i == 100)
            {
                return violations;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<string> WaitForTextAsync(ChromeDriver driver, string id, CancellationToken cancellationToken)
    {
        for (var i = 0; ; i++)
        {
            var text = Text(driver, id);
            if (text.Length > 0 || i == 200)
            {
                return text;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static string Text(ChromeDriver driver, string id) => driver.FindElement(By.Id(id)).Text;

    private static bool Visible(ChromeDriver driver, string id) => driver.FindElement(By.Id(id)).Displayed;

    private static byte[] Bytes(string token) => System.Buffers.Text.Base64Url.DecodeFromChars(token);

    private static string Token(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string WithByte(string token, int offset, byte value)
    {
        var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (token.Length % 4)) % 4));
        bytes[offset] = value;
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A screenshot of the QR image alone, scrolled into view first (an element screenshot is cut at the viewport's edge).</summary>
    private static byte[] QrScreenshot(ChromeDriver driver)
    {
        var qr = driver.FindElement(By.Id("qr"));
        driver.ExecuteScript("arguments[0].scrollIntoView({ block: 'center' });", qr);
        return ((ITakesScreenshot)qr).GetScreenshot().AsByteArray;
    }

    private static string DecodeQr(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        var source = new RGBLuminanceSource(image.Data, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = false,
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
        };
        var result = reader.Decode(source);
        return result?.Text ?? throw new InvalidOperationException("No QR code was found in the screenshot of the page's QR image.");
    }
}
