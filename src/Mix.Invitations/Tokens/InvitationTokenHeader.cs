using System.Runtime.CompilerServices;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// The header of a token read <b>without verifying it</b>: its version, policy, key id, time window and use limit.
/// Untrusted — anyone can write a token whose header says anything.
/// </summary>
/// <remarks>
/// <para>
/// For display and triage only: a landing page showing "this link expires on …", a support tool telling an expired
/// link from a mistyped one, a log of which key ids are still in circulation. Never decide with it whether anyone is
/// admitted, and never report it as a reason a token was refused: only <see cref="IInvitationValidator.TryValidate"/>
/// checks the tag, and only its claims are authentic.
/// </para>
/// <para>
/// Reading checks the structure alone (strict base64url, version, flags, length, a time window that ends after it
/// starts), allocates nothing, and costs the same for every input of a length; a token longer than any the format
/// makes is refused before it is decoded. The header is not secret (it travels in clear inside the token), so showing
/// it reveals nothing the token's holder did not have; the token itself still must not be logged.
/// </para>
/// </remarks>
public readonly struct InvitationTokenHeader
{
    private InvitationTokenHeader(in TokenHeader header)
    {
        Version = TokenCodec.Version1;
        PolicyId = header.PolicyId;
        KeyId = header.KeyId;
        IssuedAt = DateTimeOffset.FromUnixTimeSeconds(header.IssuedAt);
        ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(header.ExpiresAt);
        MaxUses = header.MaxUses;
    }

    /// <summary>Gets the token format version the header was read as (1).</summary>
    public int Version { get; }

    /// <summary>Gets the binding policy's id as written (1 invitee-bound, 2 inviter-bound, 3 unbound, 128–255 custom); unverified.</summary>
    public byte PolicyId { get; }

    /// <summary>Gets the id of the ring key the token claims to be signed with; unverified.</summary>
    public int KeyId { get; }

    /// <summary>Gets when the token claims to have been issued; unverified.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Gets when the token claims to expire; unverified.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Gets the use limit the token claims, or 0 when it claims none; unverified.</summary>
    public int MaxUses { get; }

    /// <summary>Gets a value indicating whether the token claims a use limit.</summary>
    public bool IsUseLimited => MaxUses > 0;

    /// <summary>Reads the header of a token without verifying it.</summary>
    /// <param name="token">The token, as received.</param>
    /// <param name="header">The header, when the token is well-formed; otherwise <c>default</c>.</param>
    /// <returns><see langword="true"/> when the token is well-formed for a version this library reads; <see langword="false"/> for any other text (a refusal that <see cref="IInvitationValidator.TryValidate"/> reports as <see cref="InvitationFailureReason.Malformed"/> or <see cref="InvitationFailureReason.UnsupportedVersion"/>).</returns>
    [SkipLocalsInit] // the buffer is written by the decoder before it is read
    public static bool TryRead(ReadOnlySpan<char> token, out InvitationTokenHeader header)
    {
        Span<byte> bytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        if (TokenCodec.TryDecode(token, bytes, out var decoded) != InvitationFailureReason.None)
        {
            header = default;
            return false;
        }

        header = new InvitationTokenHeader(decoded);
        return true;
    }

    /// <summary>Describes the header, marked as unverified; it holds nothing secret.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() =>
        $"unverified v{Version} header: policy {PolicyId}, key {KeyId}, issued {IssuedAt:O}, expires {ExpiresAt:O}" + (IsUseLimited ? $", {MaxUses} uses" : string.Empty);
}
