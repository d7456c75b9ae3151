using System.Security.Cryptography;
using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>
/// The default per-channel key: HKDF-SHA256-Expand(PRK of the ring key, info = label || 0x00 || channel [|| 0x00 || extra], 32).
/// The channel cannot hold 0x00 (PRECIS refuses controls), so the info is unambiguous.
/// </summary>
internal static class ChannelKeyDerivation
{
    internal const int KeySize = 32;

    internal static ReadOnlySpan<byte> InfoLabel => "Mix.Invitations channel key v1"u8;

    internal static void Derive(KeyRingEntry ringKey, Jid channel, ReadOnlySpan<byte> extraInfo, Span<byte> destination)
    {
        var channelText = channel.ToString();
        var length = InfoLabel.Length + 1 + Encoding.UTF8.GetByteCount(channelText) + (extraInfo.IsEmpty ? 0 : 1 + extraInfo.Length);
        Span<byte> info = length <= 512 ? stackalloc byte[length] : new byte[length];
        InfoLabel.CopyTo(info);
        info[InfoLabel.Length] = 0;
        var written = InfoLabel.Length + 1;
        written += Encoding.UTF8.GetBytes(channelText, info[written..]);
        if (!extraInfo.IsEmpty)
        {
            info[written++] = 0;
            extraInfo.CopyTo(info[written..]);
        }

        HKDF.Expand(HashAlgorithmName.SHA256, ringKey.Prk, destination, info);
    }
}
