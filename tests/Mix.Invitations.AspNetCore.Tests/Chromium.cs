using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>
/// Debian's chromium and chromium-driver, driven headless through WebDriver. Nothing is downloaded: the browser and the
/// driver are the system's, found on PATH (or named by MIX_INVITATIONS_CHROMIUM and MIX_INVITATIONS_CHROMEDRIVER).
/// </summary>
internal static class Chromium
{
    /// <summary>
    /// Records every Content-Security-Policy violation the page causes, before any of the page's own script runs
    /// (added through the DevTools protocol, so the page's CSP does not apply to it).
    /// </summary>
    private const string ViolationHook =
        "window.__cspViolations = [];" +
        "document.addEventListener('securitypolicyviolation', function (e) {" +
        "  window.__cspViolations.push(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);" +
        "});";

    public static readonly string? Browser = Find("MIX_INVITATIONS_CHROMIUM", "chromium", "chromium-browser", "google-chrome");

    public static readonly string? Driver = Find("MIX_INVITATIONS_CHROMEDRIVER", "chromedriver");

    private static string MissingMessage =>
        $"chromium ({Browser ?? "not found"}) and chromedriver ({Driver ?? "not found"}) are needed for the landing page's browser tests: " +
        "install Debian's chromium and chromium-driver (sudo apt-get install chromium chromium-driver).";

    /// <summary>Skips the calling test when the browser or its driver is missing — or fails it when MIX_INVITATIONS_REQUIRE_BROWSER=1.</summary>
    public static void Require()
    {
        if (Browser is not null && Driver is not null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("MIX_INVITATIONS_REQUIRE_BROWSER") == "1")
        {
            throw new InvalidOperationException(MissingMessage + " MIX_INVITATIONS_REQUIRE_BROWSER=1 makes that a failure.");
        }

        Assert.Skip(MissingMessage);
    }

    /// <summary>Starts a headless browser whose requests carry <paramref name="acceptLanguage"/>, in the UTC time zone.</summary>
    public static ChromeDriver Start(string acceptLanguage, bool javaScript = true)
    {
        Require();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver)!);
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser! };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--window-size=1024,900",
            "--lang=" + acceptLanguage.Split(',')[0]);
        options.AddUserProfilePreference("intl.accept_languages", acceptLanguage);
        if (!javaScript)
        {
            options.AddUserProfilePreference("profile.managed_default_content_settings.javascript", 2);
        }

        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        try
        {
            driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
            driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = ViolationHook });
            driver.ExecuteCdpCommand("Emulation.setTimezoneOverride", new Dictionary<string, object?> { ["timezoneId"] = "UTC" });
            return driver;
        }
        catch
        {
            driver.Quit();
            throw;
        }
    }

    /// <summary>The CSP violations the hook recorded on the current page, and the console's errors and CSP reports.</summary>
    public static IReadOnlyList<string> Violations(ChromeDriver driver)
    {
        var found = new List<string>();
        if (driver.ExecuteScript("return window.__cspViolations || null;") is ReadOnlyCollection<object> recorded)
        {
            found.AddRange(recorded.Select(v => "securitypolicyviolation: " + v));
        }
        else
        {
            found.Add("the violation hook did not run on this page");
        }

        foreach (var entry in driver.Manage().Logs.GetLog(LogType.Browser))
        {
            if (entry.Level >= LogLevel.Severe || entry.Message.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                found.Add($"console {entry.Level}: {entry.Message}");
            }
        }

        return found;
    }

    /// <summary>Makes the viewport <paramref name="width"/>×<paramref name="height"/> CSS pixels; <paramref name="mobile"/> honours the page's viewport meta tag as a phone does.</summary>
    public static void Viewport(ChromeDriver driver, int width, int height, bool mobile) =>
        driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = mobile,
        });

    private static string? Find(string variable, params string[] names)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } named)
        {
            return File.Exists(named) ? named : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in names)
        {
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
