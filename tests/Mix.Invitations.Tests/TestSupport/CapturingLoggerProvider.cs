using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>One captured log event: the formatted message and every structured value, as a log sink would see them.</summary>
internal sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, string?>> Values, Exception? Exception)
{
    /// <summary>Everything a sink could write: message, values and exception text.</summary>
    public string AllText => string.Join(" | ", [Message, .. Values.Select(v => $"{v.Key}={v.Value}"), Exception?.ToString() ?? string.Empty]);
}

/// <summary>A hand-written logger provider that keeps every event at every level.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Logs { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IReadOnlyList<KeyValuePair<string, object?>> list
                ? list.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value?.ToString())).ToArray()
                : [];
            owner.Logs.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }
}
