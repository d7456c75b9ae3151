namespace Mix.Invitations.Interop.Tests.Infrastructure;

/// <summary>The XMPP servers the interop suite runs on: both the README tells operators how to deploy the component to.</summary>
public enum XmppServerKind
{
    /// <summary>Prosody (Debian's <c>prosody</c>).</summary>
    Prosody,

    /// <summary>ejabberd (Debian's <c>ejabberd</c>).</summary>
    Ejabberd,
}

/// <summary>A throwaway server on loopback: users registered on <see cref="UserDomain"/>, one external component (XEP-0114) allowed.</summary>
internal interface IXmppServer : IAsyncDisposable
{
    /// <summary>The users' domain; both servers use the same, so a test's JIDs do not depend on the server.</summary>
    const string UserDomain = "localhost";

    int ClientPort { get; }

    int ComponentPort { get; }

    string ComponentSecret { get; }

    /// <summary>The last lines of the server's log, for failure messages.</summary>
    string LogTail(int lines = 40);
}
