using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>
/// Drives <c>client/driver.js</c> — xmpp.js, a client library nobody here wrote — over JSON lines on stdin/stdout:
/// log users in, send a stanza as one of them, get the reply the server routed back.
/// </summary>
internal sealed class XmppClientDriver : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool s_installed;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode>> _pending = new();
    private readonly Task _readLoop;
    private int _seq;

    private XmppClientDriver(Process process)
    {
        _process = process;
        _readLoop = Task.Run(ReadAnswersAsync);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    public static string ClientDirectory => Path.Combine(AppContext.BaseDirectory, "client");

    /// <summary>
    /// Installs the driver's pinned npm dependencies next to the test assembly with <c>npm ci</c>, once per run and
    /// only when the lock file changed since the last install (a stamp file holds its hash).
    /// </summary>
    public static async Task InstallAsync(InteropRequirements tools)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (s_installed)
            {
                return;
            }

            var lockHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(ClientDirectory, "package-lock.json"))));
            var stamp = Path.Combine(ClientDirectory, "node_modules", ".mix-interop-lock-sha256");
            if (!File.Exists(stamp) || await File.ReadAllTextAsync(stamp) != lockHash)
            {
                var (code, output) = await ProcessRunner.RunAsync(tools.Npm!, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], ClientDirectory, TimeSpan.FromMinutes(5));
                if (code != 0)
                {
                    throw new InvalidOperationException($"`npm ci` in {ClientDirectory} failed ({code}):\n{output}");
                }

                await File.WriteAllTextAsync(stamp, lockHash);
            }

            s_installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public static XmppClientDriver Start(InteropRequirements tools)
    {
        var start = new ProcessStartInfo(tools.Node!)
        {
            ArgumentList = { "driver.js" },
            WorkingDirectory = ClientDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.StandardInput.AutoFlush = true;
        return new XmppClientDriver(process);
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Logs a user in over c2s (SASL PLAIN checked by Prosody against its accounts, resource binding) as session <paramref name="session"/>.</summary>
    /// <returns>The full JID the server bound.</returns>
    public async Task<string> LoginAsync(string session, int port, string domain, string username, string password)
    {
        var answer = await CallAsync(new JsonObject
        {
            ["op"] = "login",
            ["session"] = session,
            ["service"] = $"xmpp://127.0.0.1:{port}",
            ["domain"] = domain,
            ["username"] = username,
            ["password"] = password,
            ["resource"] = "interop",
            // The test server allows PLAIN without TLS (loopback only); xmpp.js's SCRAM-SHA-1 costs seconds per login.
            ["mechanism"] = "PLAIN",
        });
        return answer["jid"]!.GetValue<string>();
    }

    /// <summary>Sends a stanza as a logged-in session and returns the reply of the same id, as xmpp.js received it.</summary>
    public async Task<XElement> SendAsync(string session, XElement stanza)
    {
        var answer = await CallAsync(new JsonObject
        {
            ["op"] = "send",
            ["session"] = session,
            ["stanza"] = stanza.ToString(SaveOptions.DisableFormatting),
            ["timeoutMs"] = 15000,
        });
        return XElement.Parse(answer["reply"]!.GetValue<string>());
    }

    /// <summary>
    /// Runs an XEP-0050 ad-hoc command as a form-rendering client does (see driver.js): execute, then each submission
    /// in turn while the session stays open, filling only the named fields and keeping the form's defaults for the rest.
    /// </summary>
    /// <returns>The reply to execute (the form, or an error) and the replies to the submissions sent.</returns>
    public async Task<CommandRun> CommandAsync(string session, string to, string node, params CommandSubmission[] submissions)
    {
        var list = new JsonArray();
        foreach (var submission in submissions)
        {
            var fields = new JsonObject();
            foreach (var (name, value) in submission.Fields ?? new Dictionary<string, string>())
            {
                fields[name] = value;
            }

            var entry = new JsonObject { ["action"] = submission.Action, ["fields"] = fields };
            if (submission.SessionId is not null)
            {
                entry["sessionid"] = submission.SessionId;
            }

            list.Add(entry);
        }

        var answer = await CallAsync(new JsonObject
        {
            ["op"] = "command",
            ["session"] = session,
            ["to"] = to,
            ["node"] = node,
            ["submissions"] = list,
            ["timeoutMs"] = 15000,
        });
        return new CommandRun(
            XElement.Parse(answer["form"]!.GetValue<string>()),
            answer["replies"]!.AsArray().Select(r => XElement.Parse(r!.GetValue<string>())).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await CallAsync(new JsonObject { ["op"] = "quit" }).WaitAsync(cts.Token);
                _process.StandardInput.Close();
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            _process.Kill();
        }

        await _readLoop;
        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task<JsonNode> CallAsync(JsonObject command)
    {
        var seq = Interlocked.Increment(ref _seq);
        command["seq"] = seq;
        var answer = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[seq] = answer;
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        }
        finally
        {
            _writeLock.Release();
        }

        JsonNode result;
        try
        {
            result = await answer.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(seq, out _);
            throw new TimeoutException($"The xmpp.js driver did not answer '{command["op"]}' within 60 s.\n{StandardError}");
        }

        if (result["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"xmpp.js '{command["op"]}' failed: {result["error"]}\n{StandardError}");
        }

        return result;
    }

    /// <summary>Hands each answer line to the call of the same seq; when the driver exits, fails every call still waiting.</summary>
    private async Task ReadAnswersAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (JsonNode.Parse(line) is { } answer && answer["seq"]?.GetValue<int>() is { } seq && _pending.TryRemove(seq, out var call))
                {
                    call.TrySetResult(answer);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or ObjectDisposedException)
        {
            foreach (var seq in _pending.Keys)
            {
                if (_pending.TryRemove(seq, out var call))
                {
                    call.TrySetException(new InvalidOperationException($"The xmpp.js driver's output broke: {ex.Message}\n{StandardError}"));
                }
            }

            return;
        }

        foreach (var seq in _pending.Keys)
        {
            if (_pending.TryRemove(seq, out var call))
            {
                call.TrySetException(new InvalidOperationException($"The xmpp.js driver exited.\n{StandardError}"));
            }
        }
    }
}

/// <summary>One submission of an ad-hoc command's form: the action, the fields to fill (by var), and optionally another session id to send.</summary>
internal sealed record CommandSubmission(string Action, IReadOnlyDictionary<string, string>? Fields = null, string? SessionId = null)
{
    public static CommandSubmission Complete(IReadOnlyDictionary<string, string>? fields = null) => new("complete", fields);

    public static CommandSubmission Cancel() => new("cancel");
}

/// <summary>What an ad-hoc command run brought back: the reply to execute, then one reply per submission sent.</summary>
internal sealed record CommandRun(XElement Form, IReadOnlyList<XElement> Replies)
{
    /// <summary>Gets the last reply (the completed result, or an error).</summary>
    public XElement Last => Replies.Count > 0 ? Replies[^1] : Form;
}
