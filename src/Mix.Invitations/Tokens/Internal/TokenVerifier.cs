using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mix.Invitations.Internal;

/// <summary>
/// Stateless validation in the order of docs/token-format.md section 8: structure, version, layout, key, tag (the root
/// tag, then the restriction chain), then content. Split from <see cref="InvitationService"/>, which keeps issuing.
/// </summary>
internal static class TokenVerifier
{
    /// <summary>Validates a token presented with its channel and JIDs against one version of the service's state.</summary>
    /// <param name="state">The service's state.</param>
    /// <param name="now">The instant of the decision.</param>
    /// <param name="token">The token text.</param>
    /// <param name="channel">The presented channel.</param>
    /// <param name="inviter">The presented inviter.</param>
    /// <param name="invitee">The presented invitee.</param>
    /// <param name="context">Where and by whom the token is being redeemed.</param>
    /// <returns>The result.</returns>
    [SkipLocalsInit] // bytes, root and expected are written (decode, MAC) before any read: see docs/benchmarks.md
    public static InvitationValidationResult Validate(ServiceState state, DateTimeOffset now, ReadOnlySpan<char> token, Jid channel, Jid? inviter, Jid? invitee, in InvitationContext context)
    {
        Span<byte> bytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        var structure = TokenCodec.TryDecode(token, bytes, out var header, out var parts, decodeText: true);
        if (structure != InvitationFailureReason.None)
        {
            return InvitationValidationResult.Failure(structure);
        }

        var policy = state.Policies.Find(header.PolicyId);
        if (policy is null)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.Malformed);
        }

        var key = state.Ring.Find(header.KeyId);
        if (key is null || !key.CanVerify(now))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.UnknownKey);
        }

        if (header.IsExtended)
        {
            return ValidateExtended(state, now, parts, header, policy, key, channel, inviter, invitee, context);
        }

        var headerSize = header.Size;
        Span<byte> expected = stackalloc byte[TokenCodec.TagSize];
        state.Signer.ComputeTag(key, policy.Binds, channel, inviter, invitee, bytes[..headerSize], now, expected);
        var tag = bytes.Slice(headerSize, TokenCodec.TagSize);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.BadSignature);
        }

        // From here on the header and the bound fields are authentic.
        var claims = Claims(state, header, policy, key, tag, channel, inviter, invitee, extras: null);
        return CheckContent(state, now, header, policy, claims, header.ExpiresAt, inviter, invitee, context);
    }

    /// <summary>A token with grants or restrictions: the root tag over the header (bit 2 cleared) and the grants, then the chain.</summary>
    [SkipLocalsInit]
    private static InvitationValidationResult ValidateExtended(ServiceState state, DateTimeOffset now, in TokenParts parts, in TokenHeader header, IInvitationBindingPolicy policy, KeyRingEntry key, Jid channel, Jid? inviter, Jid? invitee, in InvitationContext context)
    {
        Span<byte> rootHeader = stackalloc byte[TokenCodec.LimitedHeaderSize + TokenGrantsCodec.MaxPartBytes];
        var rootHeaderSize = parts.WriteRootHeader(rootHeader);
        Span<byte> root = stackalloc byte[TokenCodec.TagSize];
        state.Signer.ComputeTag(key, policy.Binds, channel, inviter, invitee, rootHeader[..rootHeaderSize], now, root);

        var summary = parts.Summarize();
        Span<byte> expected = stackalloc byte[TokenCodec.TagSize];
        var copyLimits = summary.UsesRestrictions == 0 ? null : new InvitationCopyLimit[summary.UsesRestrictions];
        // Every invitee restriction's step covers the presented invitee's canonical text; none presented is an empty
        // context, which no holder's chain was computed over, so the tag fails.
        var inviteeText = invitee.HasValue ? invitee.GetValueOrDefault().Bare.CanonicalText : default;
        parts.ComputeFinalTag(root, inviteeText, expected, copyLimits);
        if (!CryptographicOperations.FixedTimeEquals(expected, parts.Tag))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.BadSignature);
        }

        // Authentic from here: the header, the grants, every restriction and the presented invitee when restricted.
        var effectiveExpiry = summary.ExpiresAt != 0 && summary.ExpiresAt < header.ExpiresAt ? summary.ExpiresAt : header.ExpiresAt;
        var extras = new ClaimsExtras
        {
            Grants = parts.Grants.IsEmpty ? null : ClaimsExtras.EffectiveGrants(parts.GrantsRead, summary.KeptKinds, summary.KeptNodes),
            RestrictionCount = summary.Count,
            ExpiresAt = effectiveExpiry < header.ExpiresAt ? DateTimeOffset.FromUnixTimeSeconds(effectiveExpiry) : null,
            InviteeRestricted = summary.HasInvitee,
            CopyLimits = copyLimits,
        };
        var claims = Claims(state, header, policy, key, root, channel, inviter, invitee, extras);
        var result = CheckContent(state, now, header, policy, claims, effectiveExpiry, inviter, invitee, context);
        if (!result.IsValid)
        {
            return result;
        }

        // The restriction to an invitee holds whatever the policy admits: admission is the conjunction.
        if (summary.HasInvitee && (context.Joiner is not { } joiner || joiner.Bare != claims.Invitee))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.InviteeMismatch, claims);
        }

        return claims.Grants is { HasUnknownGrants: true } && !state.IgnoreUnknownGrants
            ? InvitationValidationResult.Failure(InvitationFailureReason.GrantNotSupported, claims)
            : result;
    }

    private static InvitationClaims Claims(ServiceState state, in TokenHeader header, IInvitationBindingPolicy policy, KeyRingEntry key, ReadOnlySpan<byte> rootTag, Jid channel, Jid? inviter, Jid? invitee, ClaimsExtras? extras) =>
        new(
            policy.Name,
            policy.Id,
            key.Id,
            DateTimeOffset.FromUnixTimeSeconds(header.IssuedAt),
            DateTimeOffset.FromUnixTimeSeconds(header.ExpiresAt),
            state.ExpiryToleranceTicks,
            header.MaxUses,
            rootTag,
            channel.Bare,
            (policy.Binds & InvitationBinding.Inviter) != 0 ? BareOrNull(inviter) : null,
            (policy.Binds & InvitationBinding.Invitee) != 0 || extras is { InviteeRestricted: true } ? BareOrNull(invitee) : null,
            extras);

    private static InvitationValidationResult CheckContent(ServiceState state, DateTimeOffset now, in TokenHeader header, IInvitationBindingPolicy policy, in InvitationClaims claims, uint effectiveExpiry, Jid? inviter, Jid? invitee, in InvitationContext context)
    {
        if (!state.Enabled[policy.Id])
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.PolicyDisabled, claims);
        }

        // Every limit issuing enforces is enforced again here: a token that another node issued under a longer
        // MaxLifetime, or that a key holder minted with any instants, lives no longer than this node allows. The
        // lifetime is the original's, as signed: a narrowing can only shorten it.
        if (header.ExpiresAt - header.IssuedAt > state.MaxLifetimeSeconds)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.LifetimeTooLong, claims);
        }

        var nowTicks = now.UtcTicks;
        if (nowTicks < claims.IssuedAt.UtcTicks - state.IssuedAtToleranceTicks)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.NotYetValid, claims);
        }

        var acceptedUntilTicks = effectiveExpiry == header.ExpiresAt ? claims.AcceptedUntil.UtcTicks : DateTimeOffset.FromUnixTimeSeconds(effectiveExpiry).UtcTicks + state.ExpiryToleranceTicks;
        if (nowTicks >= acceptedUntilTicks)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.Expired, claims);
        }

        if (context.Channel != claims.Channel)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.ChannelMismatch, claims);
        }

        if (!policy.IsRedeemableBy(new InvitationBindingContext(claims.Channel, inviter, invitee, context.Joiner)))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.InviteeMismatch, claims);
        }

        return InvitationValidationResult.Success(claims);
    }

    /// <summary>The bare form of an optional JID (a copy when it is bare already: no allocation).</summary>
    private static Jid? BareOrNull(in Jid? jid) => jid.HasValue ? jid.GetValueOrDefault().Bare : null;
}
