using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Tests.Tokens;

/// <summary>
/// Mints unbound v1 tokens with any header a key holder likes, straight from docs/token-format.md with BCL primitives
/// (not through the library): what a node with the ring key, or an attacker who guesses a header, can produce.
/// </summary>
internal static class SpecMinter
{
    public static byte[] ChannelKey(byte[] ringSecret, string channel) => HKDF.DeriveKey(
        HashAlgorithmName.SHA256,
        ringSecret,
        32,
        "Mix.Invitations key ring v1"u8.ToArray(),
        [.. "Mix.Invitations channel key v1"u8, 0, .. Encoding.UTF8.GetBytes(channel)]);

    public static byte[] Header(byte policyId, byte keyId, uint issuedAt, uint expiresAt)
    {
        var header = new byte[12];
        header[0] = 1;
        header[2] = policyId;
        header[3] = keyId;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), issuedAt);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), expiresAt);
        return header;
    }

    /// <summary>An unbound token (policy 3) for <paramref name="channel"/>, signed with ring key 1 (<see cref="TestKeys.Secret0"/>).</summary>
    public static string Unbound(string channel, uint issuedAt, uint expiresAt)
    {
        var header = Header(3, 1, issuedAt, expiresAt);
        var canonical = Encoding.UTF8.GetBytes($"<invitation xmlns=\"urn:xmpp:mix:misc:0\"><channel>{channel}</channel></invitation>");
        byte[] input = [.. "Mix.Invitations invitation token v1"u8, 0, .. header, .. canonical];
        var tag = HMACSHA256.HashData(ChannelKey(Convert.FromBase64String(TestKeys.Secret0), channel), input)[..16];
        return Base64Url.EncodeToString([.. header, .. tag]);
    }
}
