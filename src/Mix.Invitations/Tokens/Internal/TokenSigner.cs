using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mix.Invitations.Internal;

/// <summary>
/// Computes a token's tag: the MAC input (label || header || canonical form of the bound fields) under the channel's
/// key, through the cache of keyed HMAC states. One per version of the options, as the cache is sized by them.
/// </summary>
internal sealed class TokenSigner
{
    private const int StackMacInputBytes = 1024;

    private readonly ChannelKeyCache _cache;
    private readonly IChannelKeyProvider _keyProvider;

    public TokenSigner(MixInvitationOptions options, IChannelKeyProvider keyProvider)
    {
        _cache = new ChannelKeyCache(options.ChannelKeyCacheSize, options.ChannelKeyCacheLifetime);
        _keyProvider = keyProvider;
    }

    /// <summary>Gets how many channel keys are cached.</summary>
    public int CachedKeyCount => _cache.Count;

    /// <summary>Drops the cached keys of a channel.</summary>
    public void Invalidate(Jid bareChannel) => _cache.Invalidate(bareChannel);

    /// <summary>Writes the 16-byte tag over label || header || the canonical form of the policy's bound fields.</summary>
    /// <remarks>
    /// The MAC input is assembled in one buffer and hashed with one <c>AppendData</c>: on OpenSSL each call into the
    /// keyed state costs more than hashing a block, so three appends cost about a third more than one (see
    /// docs/benchmarks.md). The canonical form is assembled from the bare JIDs' precomputed canonical texts, straight
    /// into the buffer; a pooled array takes over only when it does not fit the stack buffer.
    /// </remarks>
    [SkipLocalsInit] // the buffer is read only up to what was written into it
    public void ComputeTag(KeyRingEntry key, InvitationBinding binds, in Jid channel, in Jid? inviter, in Jid? invitee, ReadOnlySpan<byte> header, DateTimeOffset now, Span<byte> tag)
    {
        // Bare JIDs carry their canonical text. Validation passes bare JIDs already (Bare is then a copy); issue passes
        // the request's, which may be full: the form, and the channel whose key is used, are always the bare ones.
        var bareChannel = channel.Bare;
        var channelText = bareChannel.CanonicalText;
        var inviterText = (binds & InvitationBinding.Inviter) != 0 && inviter.HasValue ? inviter.GetValueOrDefault().Bare.CanonicalText : default;
        var inviteeText = (binds & InvitationBinding.Invitee) != 0 && invitee.HasValue ? invitee.GetValueOrDefault().Bare.CanonicalText : default;
        byte[]? rented = null;
        Span<byte> buffer = stackalloc byte[StackMacInputBytes];
        try
        {
            var prefix = TokenCodec.WriteMacPrefix(header, buffer);
            if (!InvitationCanonicalForm.TryWriteCanonicalTexts(channelText, inviterText, inviteeText, buffer[prefix..], out var written))
            {
                // Longer than the stack buffer: only very long JIDs get here.
                var length = prefix + InvitationCanonicalForm.CanonicalTextsByteCount(channelText, inviterText, inviteeText);
                rented = ArrayPool<byte>.Shared.Rent(length);
                buffer = rented;
                prefix = TokenCodec.WriteMacPrefix(header, buffer);
                InvitationCanonicalForm.TryWriteCanonicalTexts(channelText, inviterText, inviteeText, buffer[prefix..], out written);
            }

            _cache.Get(key, bareChannel, _keyProvider, now).ComputeTag(buffer[..(prefix + written)], tag);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
