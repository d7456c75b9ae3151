namespace Mix.Invitations.AspNetCore.Tests;

/// <summary>
/// Writes the browser tests' screenshots to docs/images when MIX_INVITATIONS_WRITE_SCREENSHOTS=1 (so that a CI run
/// does not change the tree); otherwise to the test's output folder, for looking at after a failure.
/// </summary>
internal static class Screenshots
{
    /// <summary>Saves a screenshot: to docs/images when <paramref name="forDocs"/> and the variable is set, else beside the tests.</summary>
    public static string Save(byte[] png, string name, bool forDocs = true)
    {
        var folder = forDocs && Environment.GetEnvironmentVariable("MIX_INVITATIONS_WRITE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, png);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mix.Invitations.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Mix.Invitations.sln was not found above the test's folder.");
    }
}
