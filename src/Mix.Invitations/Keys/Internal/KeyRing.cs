using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>An immutable snapshot of the configured keys, looked up by id (never by trying each key).</summary>
internal sealed class KeyRing
{
    internal const int MinSecretBytes = 32;
    internal const int MaxKeyId = 255;

    private readonly KeyRingEntry?[] _byId;
    private readonly KeyRingEntry[] _all;

    private KeyRing(KeyRingEntry[] all)
    {
        _all = all;
        _byId = new KeyRingEntry?[MaxKeyId + 1];
        foreach (var entry in all)
        {
            _byId[entry.Id] = entry;
        }
    }

    internal static ReadOnlySpan<byte> ExtractSalt => "Mix.Invitations key ring v1"u8;

    internal IReadOnlyList<KeyRingEntry> All => _all;

    /// <summary>Builds the ring; configuration errors throw with a message that names the key id, never the secret.</summary>
    internal static KeyRing Create(IEnumerable<KeySpec> keys)
    {
        var entries = new List<KeyRingEntry>();
        var seen = new HashSet<int>();
        var index = 0;
        foreach (var key in keys)
        {
            var where = $"Keys[{index}] (id {key.Id})";
            if (key.Id is < 0 or > MaxKeyId)
            {
                throw new InvalidOperationException($"{where}: Id must be between 0 and {MaxKeyId}.");
            }

            if (!seen.Add(key.Id))
            {
                throw new InvalidOperationException($"{where}: Id {key.Id} is used by more than one key.");
            }

            var secret = DecodeSecret(key.Secret, where);
            try
            {
                var prk = new byte[32];
                HKDF.Extract(HashAlgorithmName.SHA256, secret, ExtractSalt, prk);
                entries.Add(new KeyRingEntry(key.Id, prk, key.ActiveFrom, key.SignUntil, key.VerifyUntil));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }

            index++;
        }

        return new KeyRing([.. entries]);
    }

    /// <summary>Decodes a configured secret (standard or URL-safe base64); the message never includes the value.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the secret is empty, not base64, or too short.</exception>
    internal static byte[] DecodeSecret(string? secret, string where) =>
        TryDecodeSecret(secret, out var bytes, out var problem) ? bytes : throw new InvalidOperationException($"{where}: Secret {problem}.");

    /// <summary>
    /// Decodes a configured secret (standard or URL-safe base64, padding optional). The one decoder both the key ring
    /// and the options validator use, so a secret the validator accepts is one the ring can build.
    /// </summary>
    /// <param name="secret">The configured text.</param>
    /// <param name="bytes">The secret; the caller clears it with <see cref="CryptographicOperations.ZeroMemory"/>.</param>
    /// <param name="problem">Why the secret was refused (a predicate such as "is 3 bytes; …" to follow the field's name), naming its length, never its value.</param>
    /// <returns><see langword="true"/> when the secret is usable.</returns>
    internal static bool TryDecodeSecret(string? secret, [NotNullWhen(true)] out byte[]? bytes, [NotNullWhen(false)] out string? problem)
    {
        bytes = null;
        if (string.IsNullOrWhiteSpace(secret))
        {
            problem = "is empty";
            return false;
        }

        var text = secret.Trim().Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            // The length only: even a malformed secret may be most of a real one.
            problem = $"is not valid base64 ({secret.Length} characters)";
            return false;
        }

        if (decoded.Length < MinSecretBytes)
        {
            CryptographicOperations.ZeroMemory(decoded);
            problem = $"is {decoded.Length} bytes; at least {MinSecretBytes} random bytes are required";
            return false;
        }

        bytes = decoded;
        problem = null;
        return true;
    }

    internal KeyRingEntry? Find(int id) => (uint)id <= MaxKeyId ? _byId[id] : null;

    /// <summary>The newest active key signs: the latest <c>ActiveFrom</c> among keys that may sign now, then the highest id.</summary>
    internal KeyRingEntry? SelectSigningKey(DateTimeOffset now)
    {
        KeyRingEntry? best = null;
        foreach (var entry in _all)
        {
            if (!entry.CanSign(now))
            {
                continue;
            }

            if (best is null
                || (entry.ActiveFrom ?? DateTimeOffset.MinValue) > (best.ActiveFrom ?? DateTimeOffset.MinValue)
                || ((entry.ActiveFrom ?? DateTimeOffset.MinValue) == (best.ActiveFrom ?? DateTimeOffset.MinValue) && entry.Id > best.Id))
            {
                best = entry;
            }
        }

        return best;
    }
}
