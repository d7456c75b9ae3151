using System.Buffers.Text;

namespace Mix.Invitations.Internal;

/// <summary>
/// Offline narrowing (issue 19, docs/design/grants-and-narrowing.md section 3): appends one restriction to a token
/// and replaces its tag with the next chain tag, with no key. Internal groundwork: the public call, the refusal of
/// no-op restrictions (a later expiry, more uses) and the invitee's canonicalisation belong to the API still to come.
/// </summary>
internal static class TokenNarrowing
{
    /// <summary>Narrows a token by one restriction.</summary>
    /// <param name="token">The token to narrow: v1, with grants, or already narrowed.</param>
    /// <param name="restriction">The restriction to append.</param>
    /// <param name="invitee">The canonical bare invitee (UTF-8) the token travels with; the chain covers it for every invitee restriction, old and new.</param>
    /// <param name="narrowed">The narrowed token, when the result is <see cref="InvitationFailureReason.None"/>.</param>
    /// <returns><see cref="InvitationFailureReason.None"/>, or why the token cannot be narrowed this way (<see cref="InvitationFailureReason.Malformed"/> for a token that is not well-formed, already carries the most restrictions, or a restriction that does not fit it).</returns>
    internal static InvitationFailureReason TryNarrow(ReadOnlySpan<char> token, in TokenRestriction restriction, ReadOnlySpan<byte> invitee, out string? narrowed)
    {
        narrowed = null;
        // The validator's own structure rules (strict base64url, version, flags, layout): one spelling per token.
        Span<byte> bytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        var structure = TokenCodec.TryDecode(token, bytes, out var header, out var parts, decodeText: false);
        if (structure != InvitationFailureReason.None)
        {
            return structure;
        }

        if (!header.IsExtended)
        {
            TokenParts.TryParse(bytes[..header.Length], out parts, decodeText: false); // a plain token: header and tag
        }

        // The new bytes: header with bit 2 set || grants || old restrictions || new restriction || t_{n+1}.
        Span<byte> result = stackalloc byte[TokenParts.MaxBytes + TokenRestrictionCodec.MaxRestrictionBytes];
        var at = 0;
        parts.Header.CopyTo(result);
        result[1] |= TokenParts.FlagRestricted;
        at += parts.Header.Length;
        parts.Grants.CopyTo(result[at..]);
        at += parts.Grants.Length;
        parts.Restrictions.CopyTo(result[at..]);
        at += parts.Restrictions.Length;
        var written = TokenRestrictionCodec.Write(restriction, result[at..]);
        var newRestriction = result.Slice(at, written);
        at += written;
        var context = restriction.Kind == TokenRestrictionKind.Invitee ? invitee : default;
        TokenRestrictionCodec.NextTag(parts.Tag, newRestriction, context, result.Slice(at, TokenCodec.TagSize));
        at += TokenCodec.TagSize;

        // The result must be a token a validator accepts: at most 8 restrictions, an expiry after issued-at, a grants
        // restriction only on a token with grants. Parsing it checks all of them with the validator's own rules.
        if (TokenParts.TryParse(result[..at], out _) != InvitationFailureReason.None)
        {
            return InvitationFailureReason.Malformed;
        }

        narrowed = Base64Url.EncodeToString(result[..at]);
        return InvitationFailureReason.None;
    }
}
