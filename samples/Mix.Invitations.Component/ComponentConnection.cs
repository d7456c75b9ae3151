using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Mix.Invitations.Component;

/// <summary>
/// One XEP-0114 connection to the server: TCP, the <c>jabber:component:accept</c> stream, the SHA-1 handshake, then
/// stanzas read one at a time with a streaming <see cref="XmlReader"/> and handed to a handler whose replies are written back.
/// </summary>
/// <remarks>
/// The reader never buffers the whole stream: each stanza is read with <see cref="XmlReader.ReadSubtree"/> into an
/// <see cref="XElement"/> once its end tag has arrived, DTDs are refused and no external resource is resolved.
/// </remarks>
internal sealed class ComponentConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly XmlReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TextWriter? _log;

    private ComponentConnection(TcpClient tcp, NetworkStream stream, XmlReader reader, string domain, TextWriter? log)
    {
        _tcp = tcp;
        _stream = stream;
        _reader = reader;
        Domain = domain;
        _log = log;
    }

    /// <summary>Gets the domain the server accepted this component as.</summary>
    public string Domain { get; }

    /// <summary>Connects, opens the stream and authenticates with the handshake.</summary>
    /// <param name="options">Host, port, domain and secret.</param>
    /// <param name="log">Where progress lines go (never a token or the secret), or null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The authenticated connection.</returns>
    /// <exception cref="IOException">Thrown when the server closes the stream or refuses the handshake.</exception>
    public static async Task<ComponentConnection> ConnectAsync(ComponentOptions options, TextWriter? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(options.Host, options.Port, cancellationToken).ConfigureAwait(false);
            var stream = tcp.GetStream();
            var header = $"<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='{Escape(options.Domain)}'>";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(header), cancellationToken).ConfigureAwait(false);

            var reader = XmlReader.Create(stream, new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                IgnoreWhitespace = true,
                CloseInput = false,
            });

            // The server's stream header: <stream:stream id='…' from='domain'>.
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "stream" || reader.NamespaceURI != Names.Streams.NamespaceName)
            {
                throw new IOException($"The server did not open an XMPP stream (got {reader.NodeType} '{reader.Name}').");
            }

            var streamId = reader.GetAttribute("id") ?? throw new IOException("The server's stream header has no id.");
            var connection = new ComponentConnection(tcp, stream, reader, options.Domain, log);

            // XEP-0114 §3: the handshake is hex(SHA-1(stream id || secret)). SHA-1 is what the protocol prescribes.
#pragma warning disable CA5350 // Do Not Use Weak Cryptographic Algorithms: the XEP-0114 handshake is defined with SHA-1.
            var digest = SHA1.HashData(Encoding.UTF8.GetBytes(streamId + options.Secret));
#pragma warning restore CA5350
            await connection.WriteRawAsync($"<handshake>{Convert.ToHexStringLower(digest)}</handshake>", cancellationToken).ConfigureAwait(false);

            var answer = connection.ReadStanza() ?? throw new IOException("The server closed the stream during the handshake.");
            if (answer.Name != Names.Handshake)
            {
                throw new IOException($"The server refused the component handshake: {Describe(answer)}");
            }

            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"component: connected to {options.Host}:{options.Port} as {options.Domain}"));
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Reads stanzas until the stream ends or <paramref name="cancellationToken"/> fires, handling each in turn.</summary>
    /// <param name="handler">Turns a stanza into its reply, or null for none.</param>
    /// <param name="cancellationToken">Stops the loop (the socket is closed to unblock the read).</param>
    /// <returns>A task that completes when the stream ends.</returns>
    /// <exception cref="IOException">Thrown when the server sends a stream error.</exception>
    public async Task RunAsync(Func<XElement, CancellationToken, ValueTask<XElement?>> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await using var unblock = cancellationToken.Register(() => _tcp.Close()).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            XElement? stanza;
            try
            {
                // Blocking reads on the network stream run off the caller's thread.
                stanza = await Task.Run(ReadStanza, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is IOException or ObjectDisposedException or XmlException or SocketException)
            {
                return;
            }

            if (stanza is null)
            {
                _log?.WriteLine("component: the server closed the stream");
                return;
            }

            if (stanza.Name == Names.StreamError)
            {
                throw new IOException($"The server sent a stream error: {Describe(stanza)}");
            }

            XElement? reply;
            try
            {
                reply = await handler(stanza, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad stanza must not take every channel down: answer it with an error and carry on.
                _log?.WriteLine($"component: failed to handle a {stanza.Name.LocalName}: {ex.GetType().Name}");
                reply = InternalError(stanza);
            }

            if (reply is not null)
            {
                await WriteAsync(reply, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes one stanza.</summary>
    /// <param name="stanza">The stanza, in the <c>jabber:component:accept</c> namespace.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the bytes are on the socket.</returns>
    public Task WriteAsync(XElement stanza, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        return WriteRawAsync(stanza.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces), cancellationToken);
    }

    /// <summary>Closes the stream politely, then the socket.</summary>
    /// <returns>A task that completes when the socket is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteRawAsync("</stream:stream>", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // Already gone.
        }

        _reader.Dispose();
        _tcp.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Reads the next child of the stream element, or returns null at the end of the stream.</summary>
    private XElement? ReadStanza()
    {
        while (true)
        {
            // After a stanza the reader rests on its end tag (or on an empty element): step past it.
            if (!_reader.Read())
            {
                return null;
            }

            switch (_reader.NodeType)
            {
                case XmlNodeType.Element when _reader.Depth == 1:
                    using (var subtree = _reader.ReadSubtree())
                    {
                        return XElement.Load(subtree);
                    }

                case XmlNodeType.EndElement when _reader.Depth == 0:
                    return null; // </stream:stream>
                default:
                    continue; // whitespace keep-alives and the like
            }
        }
    }

    private async Task WriteRawAsync(string xml, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static XElement? InternalError(XElement stanza)
    {
        if (stanza.Name != Names.Iq || (string?)stanza.Attribute("type") is not ("get" or "set"))
        {
            return null;
        }

        return new XElement(
            Names.Iq,
            new XAttribute("type", "error"),
            new XAttribute("id", (string?)stanza.Attribute("id") ?? string.Empty),
            new XAttribute("from", (string?)stanza.Attribute("to") ?? string.Empty),
            new XAttribute("to", (string?)stanza.Attribute("from") ?? string.Empty),
            new InvitationStanzaError("wait", "internal-server-error", null).ToXElement(Names.Component.NamespaceName));
    }

    private static string Describe(XElement element) =>
        element.Elements().FirstOrDefault() is { } condition ? $"{element.Name.LocalName}/{condition.Name.LocalName}" : element.Name.LocalName;

    private static string Escape(string value) => new XText(value).ToString().Replace("'", "&apos;", StringComparison.Ordinal);
}
