using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mix.Invitations.Redis.Tests;

/// <summary>
/// A <c>MONITOR</c> connection to a redis-server: collects the lines the server reports for every command it runs —
/// <c>timestamp [db client-address] "COMMAND" "arg" …</c> — so a test can see which client connection sent what, in
/// which order.
/// </summary>
internal sealed class RedisMonitor : IDisposable
{
    private readonly TcpClient _client = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task _reader;

    public RedisMonitor(int port)
    {
        _client.Connect(IPAddress.Loopback, port);
        var stream = _client.GetStream();
        stream.Write("MONITOR\r\n"u8);
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = reader.ReadLine();
        if (ok != "+OK")
        {
            throw new InvalidOperationException($"MONITOR answered {ok}.");
        }

        _reader = Task.Run(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    _lines.Enqueue(line);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // disposed
            }
        });
    }

    /// <summary>Gets the lines so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Waits (bounded: 10 s) until a line contains <paramref name="text"/>.</summary>
    public void WaitFor(string text)
    {
        for (var attempt = 0; attempt < 200 && !_lines.Any(l => l.Contains(text, StringComparison.Ordinal)); attempt++)
        {
            Thread.Sleep(50);
        }
    }

    /// <summary>Gets the client address of a line: <c>127.0.0.1:port</c> from <c>[db 127.0.0.1:port]</c>.</summary>
    public static string ClientOf(string line)
    {
        var start = line.IndexOf('[', StringComparison.Ordinal);
        var end = line.IndexOf(']', start);
        return line[(start + 1)..end].Split(' ')[1];
    }

    public void Dispose()
    {
        _client.Dispose();
        _reader.Wait(TimeSpan.FromSeconds(5));
    }
}
