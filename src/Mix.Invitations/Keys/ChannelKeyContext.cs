using System.Security.Cryptography;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>What an <see cref="IChannelKeyProvider"/> is asked for: the key of one channel under one ring key.</summary>
public readonly struct ChannelKeyContext
{
    private readonly KeyRingEntry? _ringKey;

    /// <summary>Initializes a new context, without access to the ring key (for tests of a provider).</summary>
    /// <param name="keyId">The ring key id the token names.</param>
    /// <param name="channel">The bare channel JID.</param>
    public ChannelKeyContext(int keyId, Jid channel)
    {
        KeyId = keyId;
        Channel = channel;
        _ringKey = null;
    }

    internal ChannelKeyContext(KeyRingEntry ringKey, Jid channel)
    {
        KeyId = ringKey.Id;
        Channel = channel;
        _ringKey = ringKey;
    }

    /// <summary>Gets the ring key id the token names.</summary>
    public int KeyId { get; }

    /// <summary>Gets the bare channel JID.</summary>
    public Jid Channel { get; }

    /// <summary>
    /// Derives the default channel key — HKDF-SHA256-Expand of the ring key with the channel JID — optionally mixed
    /// with extra context such as a channel epoch, so a provider can revoke every pending invitation of a channel by
    /// bumping a number it stores.
    /// </summary>
    /// <param name="destination">Where to write the key; 32 bytes are written.</param>
    /// <param name="extraInfo">Further context appended to the HKDF info, or empty for the default key.</param>
    /// <returns>The number of bytes written (32).</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="destination"/> is shorter than 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">Thrown when the context was created without a ring key.</exception>
    public int DeriveDefault(Span<byte> destination, ReadOnlySpan<byte> extraInfo = default)
    {
        if (_ringKey is null)
        {
            throw new InvalidOperationException("This context was created without a ring key, so it cannot derive the default channel key.");
        }

        if (destination.Length < ChannelKeyDerivation.KeySize)
        {
            throw new ArgumentException("The destination must hold 32 bytes.", nameof(destination));
        }

        ChannelKeyDerivation.Derive(_ringKey, Channel, extraInfo, destination[..ChannelKeyDerivation.KeySize]);
        return ChannelKeyDerivation.KeySize;
    }
}
