namespace Mix.Invitations;

/// <summary>
/// Supplies the secret a channel's tokens are signed with. The default derives it from the ring key and the channel
/// JID (<see cref="ChannelKeyContext.DeriveDefault"/>), so nothing per channel is stored.
/// </summary>
/// <remarks>
/// <para>
/// Replace it to keep stored random secrets per channel, or to mix in an epoch the server increments to revoke every
/// pending invitation of one channel at once. Results are cached per (key id, channel) for
/// <see cref="MixInvitationOptions.ChannelKeyCacheLifetime"/>; call <see cref="InvitationService.InvalidateChannelKeys"/>
/// on a node to drop its cached keys at once.
/// </para>
/// <para>Implementations must be thread-safe. They run only when a channel's key is not cached, never per token.</para>
/// </remarks>
public interface IChannelKeyProvider
{
    /// <summary>Writes the channel's secret.</summary>
    /// <param name="context">The ring key id and channel.</param>
    /// <param name="destination">64 bytes to write into.</param>
    /// <returns>The number of bytes written: 32 to 64.</returns>
    int GetChannelKey(in ChannelKeyContext context, Span<byte> destination);
}
