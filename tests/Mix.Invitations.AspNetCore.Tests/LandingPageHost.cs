using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>
/// The real ASP.NET Core host (Kestrel on a free loopback port) serving the landing page at <c>/invite</c>, with
/// everything the server could learn about a request recorded: each request's method, path, query and every header
/// (by a middleware), and every log line the host writes, at every level.
/// </summary>
internal sealed class LandingPageHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly string _pattern;

    private LandingPageHost(WebApplication app, Uri address, ConcurrentQueue<string> log, string pattern)
    {
        _app = app;
        Address = address;
        Log = log;
        _pattern = pattern;
    }

    /// <summary>The server's root, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The page, as landing links name it.</summary>
    public Uri Page => new(Address, _pattern);

    /// <summary>Everything the server recorded: request lines with all headers, and log messages.</summary>
    public ConcurrentQueue<string> Log { get; }

    /// <summary>The paths requested so far, in order.</summary>
    public ConcurrentQueue<string> RequestedPaths { get; } = new();

    /// <summary>Requests that carried a Referer header.</summary>
    public ConcurrentQueue<string> Referers { get; } = new();

    public static async Task<LandingPageHost> StartAsync(CancellationToken cancellationToken, string pattern = "/invite")
    {
        var log = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new RecordingLoggerProvider(log));
        var app = builder.Build();
        LandingPageHost? host = null;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var line = new StringBuilder().Append(request.Method).Append(' ').Append(request.PathBase).Append(request.Path).Append(request.QueryString);
            foreach (var header in request.Headers)
            {
                line.Append(" | ").Append(header.Key).Append(": ").Append(header.Value.ToString());
            }

            log.Enqueue(line.ToString());
            host?.RequestedPaths.Enqueue(request.Path.Value ?? string.Empty);
            if (request.Headers.Referer.Count > 0)
            {
                host?.Referers.Enqueue(request.Path + " <- " + request.Headers.Referer);
            }

            await next(context);
        });
        app.MapInvitationLandingPage(pattern);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        host = new LandingPageHost(app, new Uri(address.TrimEnd('/') + "/"), log, pattern);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class RecordingLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, log);

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(string category, ConcurrentQueue<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            log.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var pair in values)
                {
                    line.Append(" | ").Append(pair.Key).Append('=').Append(pair.Value);
                }
            }

            if (exception is not null)
            {
                line.Append(" | ").Append(exception);
            }

            log.Enqueue(line.ToString());
        }
    }
}
