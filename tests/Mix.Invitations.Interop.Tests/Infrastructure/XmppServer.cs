using System.Diagnostics;

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

/// <summary>What both throwaway servers do alike: show the end of their log, and stop and leave nothing behind.</summary>
internal static class ThrowawayServer
{
    /// <summary>The last lines of a server's log, for failure messages.</summary>
    public static string LogTail(string logFile, int lines)
    {
        var name = Path.GetFileName(logFile);
        try
        {
            var all = File.Exists(logFile) ? File.ReadAllLines(logFile) : [];
            return $"{name} (tail):\n" + string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"{name} unreadable: {ex.Message}";
        }
    }

    /// <summary>Kills the server (with its children when <paramref name="entireProcessTree"/>) and deletes its temporary directory.</summary>
    public static async ValueTask StopAsync(Process process, string directory, bool entireProcessTree)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary directory is the OS's to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
