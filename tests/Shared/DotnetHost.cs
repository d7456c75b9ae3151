using System.Runtime.InteropServices;

namespace Mix.Invitations.Tests.Shared;

/// <summary>Finds the dotnet host that runs this process, for tests that start the same runtime in a child process.</summary>
/// <remarks>Linked into each test project that needs it, so the lookup is written once.</remarks>
internal static class DotnetHost
{
    /// <summary>Gets the host: the runtime directory is dotnet/shared/Microsoft.NETCore.App/x.y.z/.</summary>
    internal static string Path { get; } = Find();

    private static string Find()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = System.IO.Path.Combine(root, name);
        if (File.Exists(candidate))
        {
            return candidate;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : name;
    }
}
