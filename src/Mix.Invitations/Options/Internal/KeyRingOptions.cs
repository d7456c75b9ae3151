namespace Mix.Invitations.Internal;

/// <summary>Builds the key ring from the configured keys: the one place that turns <see cref="InvitationKeyOptions"/> into ring keys.</summary>
internal static class KeyRingOptions
{
    /// <summary>Builds the ring; configuration errors throw with a message that names the key id, never the secret.</summary>
    /// <exception cref="InvalidOperationException">Thrown when a key's id or secret is not valid.</exception>
    public static KeyRing Build(IEnumerable<InvitationKeyOptions> keys) =>
        KeyRing.Create(keys.Select(key => new KeySpec(key.Id, key.Secret, key.ActiveFrom, key.SignUntil, key.VerifyUntil)));
}
