using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Mix.Invitations.Component;
using Xunit.Sdk;

namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>
/// One throwaway server (Prosody or ejabberd), the sample component connected to it in-process (with a clock the tests
/// move), and one xmpp.js process with three users logged in, shared by the test classes of its collection.
/// </summary>
public abstract class InteropFixture : IAsyncLifetime
{
    public const string ComponentDomain = "mix.localhost";

    /// <summary>Username → password of the accounts registered in the server.</summary>
    private static readonly Dictionary<string, string> Users = new()
    {
        ["alice"] = "alice-password",
        ["bob"] = "bob-password",
        ["carol"] = "carol-password",
    };

    private readonly IMessageSink _diagnostics;
    private readonly CancellationTokenSource _stop = new();
    private readonly SynchronizedLog _componentLog = new();
    private InteropRequirements? _tools;
    private IXmppServer? _server;
    private RunningComponent? _component;
    private ComponentHost? _host;
    private XmppClientDriver? _client;

    protected InteropFixture(IMessageSink diagnostics, XmppServerKind server)
    {
        _diagnostics = diagnostics;
        Server = server;
    }

    /// <summary>Gets the server this fixture runs.</summary>
    public XmppServerKind Server { get; }

    /// <summary>Gets the component's clock: the tests advance it to make invitations expire.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The component's invitation key (a test key, public), so a test can mint tokens the component issues no way to ask for, such as ones with grants.</summary>
    public const string ComponentKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /// <summary>Gets how long starting everything took (server, user registration, npm ci when needed, component, logins).</summary>
    public TimeSpan StartupTime { get; private set; }

    internal MixService Service => _host!.Service;

    internal XmppClientDriver Client => _client!;

    public async ValueTask InitializeAsync()
    {
        _tools = await InteropRequirements.DetectAsync(Server);
        if (_tools.Missing is not null)
        {
            return; // Each test skips (or fails when required) with the message.
        }

        var watch = Stopwatch.StartNew();
        var tools = _tools;
        // npm ci (when needed) and node's start-up (loading xmpp.js) overlap the server's start.
        var startClient = Task.Run(async () =>
        {
            await XmppClientDriver.InstallAsync(tools);
            return XmppClientDriver.Start(tools);
        });
        _server = Server == XmppServerKind.Prosody
            ? await ProsodyServer.StartAsync(_tools, ComponentDomain, Users)
            : await EjabberdServer.StartAsync(_tools, ComponentDomain, Users);
        var serverReady = watch.Elapsed;
        var options = new ComponentOptions
        {
            Host = "127.0.0.1",
            Port = _server.ComponentPort,
            Domain = ComponentDomain,
            Secret = _server.ComponentSecret,
            Key = ComponentKey,
        };
        _host = ComponentHost.Create(options, Time, _componentLog);
        _component = await _host.StartAsync(_stop.Token);
        var componentReady = watch.Elapsed;
        _client = await startClient;
        var installed = watch.Elapsed;
        var client = _client;
        var server = _server;
        var jids = await Task.WhenAll(Users.Select(user => client.LoginAsync(user.Key, server.ClientPort, IXmppServer.UserDomain, user.Key, user.Value)));
        foreach (var (user, jid) in Users.Keys.Zip(jids))
        {
            if (!jid.StartsWith(user + "@" + IXmppServer.UserDomain + "/", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{user} was bound as {jid}.");
            }
        }

        StartupTime = watch.Elapsed;
        _diagnostics.OnMessage(new Xunit.v3.DiagnosticMessage(string.Create(
            CultureInfo.InvariantCulture,
            $"interop on {Server}: ready in {StartupTime.TotalSeconds:F1} s ({Server} registered and listening {serverReady.TotalSeconds:F1} s, component handshake {componentReady.TotalSeconds:F1} s, npm ready {installed.TotalSeconds:F1} s, 3 xmpp.js logins {StartupTime.TotalSeconds:F1} s)")));
    }

    /// <summary>Skips the calling test when the server or Node.js is missing, or fails it when CI requires the suite.</summary>
    public void RequireServer()
    {
        var missing = _tools?.Missing;
        if (missing is null)
        {
            return;
        }

        if (InteropRequirements.IsRequired)
        {
            throw new InvalidOperationException($"{missing} (MIX_INVITATIONS_REQUIRE_INTEROP=1, so this fails instead of skipping)");
        }

        Assert.Skip(missing);
    }

    /// <summary>Logs a user in again (after a server closed its stream), under the same session name.</summary>
    public async Task ReconnectAsync(string user)
    {
        var jid = await Client.LoginAsync(user, _server!.ClientPort, IXmppServer.UserDomain, user, Users[user]);
        if (!jid.StartsWith(user + "@" + IXmppServer.UserDomain + "/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{user} was bound as {jid}.");
        }
    }

    /// <summary>Gets the bare JID of a registered user.</summary>
    public static string Jid(string user) => $"{user}@{IXmppServer.UserDomain}";

    /// <summary>What went on, for an assertion message: the component's log, the driver's stderr and the server's log tail.</summary>
    public string Diagnostics() => string.Create(
        CultureInfo.InvariantCulture,
        $"component log:\n{_componentLog}\nxmpp.js stderr:\n{_client?.StandardError}\n{_server?.LogTail(20)}");

    /// <summary>Stops the client, the component and the server, then releases the rest (xunit v3 calls only this, never Dispose).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await _stop.CancelAsync();
        if (_component is not null)
        {
            try
            {
                await _component.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is IOException or TimeoutException)
            {
                // The server may have closed the stream first; nothing to clean up.
            }
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _stop.Dispose();
        await _componentLog.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A thread-safe log the component writes one line per decision to.</summary>
    private sealed class SynchronizedLog : StringWriter
    {
        public SynchronizedLog()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override void WriteLine(string? value)
        {
            lock (this)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (this)
            {
                return base.ToString();
            }
        }
    }
}

/// <summary>The interop fixture on a throwaway Prosody.</summary>
public sealed class ProsodyFixture : InteropFixture
{
    public ProsodyFixture(IMessageSink diagnostics)
        : base(diagnostics, XmppServerKind.Prosody)
    {
    }
}

/// <summary>The interop fixture on a throwaway ejabberd.</summary>
public sealed class EjabberdFixture : InteropFixture
{
    public EjabberdFixture(IMessageSink diagnostics)
        : base(diagnostics, XmppServerKind.Ejabberd)
    {
    }
}

/// <summary>The test classes on Prosody share one server and component, and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class ProsodyServers : ICollectionFixture<ProsodyFixture>
{
    public const string Name = "interop on Prosody";
}

/// <summary>The test classes on ejabberd share one server and component, and run one after the other (beside Prosody's).</summary>
[CollectionDefinition(Name)]
public sealed class EjabberdServers : ICollectionFixture<EjabberdFixture>
{
    public const string Name = "interop on ejabberd";
}
