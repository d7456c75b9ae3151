using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace Mix.Invitations.Internal;

/// <summary>
/// Makes tokens and computes their tags: the MAC input (label || header || canonical form of the bound fields) under
/// the channel's key, through the cache of keyed HMAC states. One per version of the options, as the cache is sized
/// by them.
/// </summary>
internal sealed class TokenSigner
{
    /// <summary>Fills a span with random bytes.</summary>
    public delegate void SpanAction(Span<byte> destination);

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

    /// <summary>Makes a token: its header, the tag over it and the bound fields, in base64url.</summary>
    /// <param name="key">The ring key that signs.</param>
    /// <param name="policy">The binding policy, whose bound fields the tag covers.</param>
    /// <param name="request">The checked request.</param>
    /// <param name="lifetime">The checked lifetime; rounded up to whole seconds.</param>
    /// <param name="now">The issuing instant.</param>
    /// <param name="nonce">Fills a use-limited token's nonce.</param>
    /// <param name="toleranceTicks">The expiry tolerance the claims report.</param>
    /// <param name="claims">What the token says.</param>
    /// <returns>The token.</returns>
    /// <exception cref="InvalidOperationException">Thrown when the clock is outside the range the format can express.</exception>
    [SkipLocalsInit] // the nonce and token buffers are written before they are read
    public string CreateToken(KeyRingEntry key, IInvitationBindingPolicy policy, InvitationIssueRequest request, TimeSpan lifetime, DateTimeOffset now, SpanAction nonce, long toleranceTicks, out InvitationClaims claims)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds);
        if (issuedAt < 0 || expiresAt > uint.MaxValue)
        {
            throw new InvalidOperationException("The clock is outside the range token format v1 can express (1970 to 2106).");
        }

        var header = new TokenHeader
        {
            PolicyId = policy.Id,
            KeyId = (byte)key.Id,
            IssuedAt = (uint)issuedAt,
            ExpiresAt = (uint)expiresAt,
            IsUseLimited = request.MaxUses is not null,
            MaxUses = (ushort)(request.MaxUses ?? 0),
        };
        if (header.IsUseLimited)
        {
            Span<byte> random = stackalloc byte[8];
            nonce(random);
            header.Nonce = BinaryPrimitives.ReadUInt64BigEndian(random);
        }

        // Grants follow the header, and the root tag covers both (docs/token-format.md section 13).
        var grants = request.Grants is { } requested ? TokenGrantsCodec.From(requested) : default;
        header.Flags = grants.IsEmpty ? (byte)0 : TokenCodec.FlagGrants;
        Span<byte> tokenBytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        var headerSize = header.Size;
        TokenCodec.WriteHeader(header, tokenBytes);
        if (!grants.IsEmpty)
        {
            headerSize += TokenGrantsCodec.Write(grants, tokenBytes[headerSize..]);
        }

        var tag = tokenBytes.Slice(headerSize, TokenCodec.TagSize);
        ComputeTag(key, policy.Binds, request.Channel, request.Inviter, request.Invitee, tokenBytes[..headerSize], now, tag);
        claims = new InvitationClaims(
            policy.Name,
            policy.Id,
            key.Id,
            DateTimeOffset.FromUnixTimeSeconds(header.IssuedAt),
            DateTimeOffset.FromUnixTimeSeconds(header.ExpiresAt),
            toleranceTicks,
            header.MaxUses,
            tag,
            request.Channel.Bare,
            (policy.Binds & InvitationBinding.Inviter) != 0 && request.Inviter is { } inviter ? inviter.Bare : null,
            (policy.Binds & InvitationBinding.Invitee) != 0 && request.Invitee is { } invitee ? invitee.Bare : null,
            grants.IsEmpty ? null : new ClaimsExtras { Grants = ClaimsExtras.EffectiveGrants(grants, TokenRestrictionCodec.KnownKindBits, TokenGrantsCodec.KnownNodes) });
        return Base64Url.EncodeToString(tokenBytes[..(headerSize + TokenCodec.TagSize)]);
    }

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
