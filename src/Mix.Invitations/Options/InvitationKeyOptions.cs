using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>One key of the key ring: an id, a secret, and the dates it may sign and verify.</summary>
/// <remarks>
/// <para>
/// Rotation: add the new key with an <see cref="ActiveFrom"/> a little in the future on every node first; it starts
/// signing at that date (the newest active key signs). Set the old key's <see cref="SignUntil"/> to the same date
/// and its <see cref="VerifyUntil"/> to at least that date plus the maximum lifetime, so the tokens it signed stay
/// valid until they expire.
/// </para>
/// <para>The secret never appears in a log, a metric or an exception message.</para>
/// </remarks>
public sealed class InvitationKeyOptions
{
    /// <summary>Gets or sets the key id, written into every token the key signs.</summary>
    /// <value>0–255; unique within the ring. No default.</value>
    [OptionRange(0, 255)]
    public int Id { get; set; }

    /// <summary>Gets or sets the secret, base64-encoded (standard or URL-safe alphabet).</summary>
    /// <value>At least 32 random bytes once decoded (for example <c>openssl rand -base64 32</c>); padding optional. No default.</value>
    public string Secret { get; set; } = string.Empty;

    /// <summary>Gets or sets when the key starts signing.</summary>
    /// <value><see langword="null"/> (the default): active now.</value>
    public DateTimeOffset? ActiveFrom { get; set; }

    /// <summary>Gets or sets when the key stops signing.</summary>
    /// <value><see langword="null"/> (the default): signs until a newer key becomes active. When set, after <see cref="ActiveFrom"/>.</value>
    public DateTimeOffset? SignUntil { get; set; }

    /// <summary>Gets or sets when tokens signed by the key stop being accepted.</summary>
    /// <value><see langword="null"/> (the default): verified as long as the key is in the ring. When set, not before <see cref="SignUntil"/>.</value>
    public DateTimeOffset? VerifyUntil { get; set; }
}
