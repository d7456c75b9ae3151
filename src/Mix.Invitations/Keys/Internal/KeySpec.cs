namespace Mix.Invitations.Internal;

/// <summary>One key of the ring as configured, before it is decoded: what <see cref="KeyRing.Create"/> needs, without the options type.</summary>
/// <param name="Id">The key id (0–255).</param>
/// <param name="Secret">The secret, base64; a secret, never logged.</param>
/// <param name="ActiveFrom">From when the key signs, or <see langword="null"/>.</param>
/// <param name="SignUntil">Until when the key signs, or <see langword="null"/>.</param>
/// <param name="VerifyUntil">Until when the key verifies, or <see langword="null"/>.</param>
internal readonly record struct KeySpec(int Id, string? Secret, DateTimeOffset? ActiveFrom, DateTimeOffset? SignUntil, DateTimeOffset? VerifyUntil)
{
    /// <summary>Describes the key without its secret.</summary>
    public override string ToString() => $"key {Id}";
}
