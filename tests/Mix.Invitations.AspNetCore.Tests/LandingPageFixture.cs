using OpenQA.Selenium.Chrome;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>One host and one English browser for a test class; other browsers are started by the tests that need them.</summary>
public sealed class LandingPageFixture : IAsyncLifetime
{
    private ChromeDriver? _english;

    internal LandingPageHost Host { get; private set; } = null!;

    /// <summary>The shared browser (Accept-Language: en-US), started on first use; skips or fails the test when chromium is missing.</summary>
    internal ChromeDriver English => _english ??= Chromium.Start("en-US,en");

    public async ValueTask InitializeAsync() => Host = await LandingPageHost.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        _english?.Quit();
        _english?.Dispose();
        await Host.DisposeAsync();
    }
}
