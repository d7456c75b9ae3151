using System.Security.Cryptography;

namespace Mix.Invitations.Sample;

/// <summary>
/// Where the sample's key comes from, in this order: <c>--key-file</c>, the environment variable
/// <c>MIX_INVITATIONS_KEY</c> (base64), or a dev key created on first use in the per-user configuration folder
/// (<c>$XDG_CONFIG_HOME</c>, else the application-data folder, then <c>mix-invitations/dev-key</c>, mode 0600 on Unix).
/// A key file holds the base64 of at least 32 random bytes. Only paths are ever printed, never the key.
/// </summary>
internal sealed class SigningKey
{
    /// <summary>The environment variable that can hold the key.</summary>
    public const string EnvironmentVariable = "MIX_INVITATIONS_KEY";

    /// <summary>The key id the sample signs with (a real service rotates through several).</summary>
    public const int KeyId = 1;

    private const int SecretBytes = 32;

    private SigningKey(string secretBase64, string source)
    {
        SecretBase64 = secretBase64;
        Source = source;
    }

    /// <summary>Gets the secret as base64, as <see cref="InvitationKeyOptions.Secret"/> takes it.</summary>
    public string SecretBase64 { get; }

    /// <summary>Gets where the key came from, for the note on stderr: a path or the variable's name, never the key.</summary>
    public string Source { get; }

    /// <summary>The demo's key: fixed and public, so the demo needs no file and never touches a real key.</summary>
    public static SigningKey Demo { get; } = new(
        Convert.ToBase64String(SHA256.HashData("Mix.Invitations sample: DEMO key, public, never use it for real invitations"u8)),
        "the built-in DEMO key (public: for this demo only)");

    /// <summary>Finds the key for issue and verify.</summary>
    /// <exception cref="UsageException">Thrown when the key file or variable does not hold a valid key, or cannot be created.</exception>
    /// <param name="keyFile">The <c>--key-file</c> option, or null.</param>
    /// <param name="environment">Where the variable and the per-user folder are found.</param>
    /// <param name="createKeyFile">
    /// Whether a missing <paramref name="keyFile"/> is created (issue) or an error (verify: a new key could verify nothing).
    /// The dev key is always created on first use.
    /// </param>
    public static SigningKey Resolve(string? keyFile, SampleEnvironment environment, bool createKeyFile)
    {
        if (!string.IsNullOrEmpty(keyFile))
        {
            var path = Path.GetFullPath(keyFile);
            if (!createKeyFile && !File.Exists(path))
            {
                throw new UsageException($"--key-file: {path} does not exist");
            }

            return FromFile(path, "key file");
        }

        if (environment.GetVariable(EnvironmentVariable) is { Length: > 0 } fromVariable)
        {
            return new SigningKey(CheckSecret(fromVariable, $"the environment variable {EnvironmentVariable}"), $"the environment variable {EnvironmentVariable}");
        }

        return FromFile(DevKeyPath(environment), "dev key");
    }

    /// <summary>The per-user dev key's path.</summary>
    public static string DevKeyPath(SampleEnvironment environment)
    {
        var config = environment.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : environment.DefaultConfigDirectory();
        return Path.Combine(config, "mix-invitations", "dev-key");
    }

    private static SigningKey FromFile(string path, string kind)
    {
        if (!File.Exists(path))
        {
            var created = TryCreate(path);
            if (created is not null)
            {
                return new SigningKey(created, $"{kind} {path} (created now)");
            }

            // Another process created it between the check and the write: use theirs.
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the {kind} {path}: {Program.OneLine(ex.Message)}", ex);
        }

        var source = $"{kind} {path}";
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            source += $" (warning: others may read it; chmod 600 {path})";
        }

        return new SigningKey(CheckSecret(text.Trim(), $"the {kind} {path}"), source);
    }

    /// <summary>Writes a new random key with owner-only permissions; null when the file appeared meanwhile.</summary>
    private static string? TryCreate(string path)
    {
        var secret = new byte[SecretBytes];
        try
        {
            RandomNumberGenerator.Fill(secret);
            var text = Convert.ToBase64String(secret);
            var folder = Path.GetDirectoryName(path)!;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(text);
            }

            return text;
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the key file {path}: {Program.OneLine(ex.Message)}", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static string CheckSecret(string base64, string where)
    {
        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        try
        {
            if (!Convert.TryFromBase64String(base64, buffer, out var length) || length < SecretBytes)
            {
                // Never echo what was found: it may be a real key with a typo.
                throw new UsageException($"{where} must hold the base64 of at least {SecretBytes} random bytes");
            }

            return base64;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
