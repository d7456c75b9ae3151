using System.Buffers.Binary;

namespace Mix.Invitations.Internal;

/// <summary>
/// The parts of a token in the layout of docs/design/grants-and-narrowing.md section 2: header, optional grants,
/// optional restriction chain, tag (docs/token-format.md sections 13 and 14). <see cref="TokenCodec.TryDecode(ReadOnlySpan{char}, Span{byte}, out TokenHeader)"/> checks
/// a token with flag bit 1 or 2 through it, and validation splits such a token with it.
/// </summary>
internal readonly ref struct TokenParts
{
    /// <summary>Flag bit 1: a grants part follows the header.</summary>
    internal const byte FlagGrants = TokenCodec.FlagGrants;

    /// <summary>Flag bit 2: a restriction chain precedes the tag.</summary>
    internal const byte FlagRestricted = TokenCodec.FlagRestricted;

    /// <summary>The longest token in bytes: a use-limited header, every grant at its longest, 8 uses restrictions, the tag.</summary>
    internal const int MaxBytes = TokenCodec.LimitedHeaderSize + TokenGrantsCodec.MaxPartBytes + (TokenRestrictionCodec.MaxRestrictions * TokenRestrictionCodec.MaxRestrictionBytes) + TokenCodec.TagSize;

    private const byte KnownFlags = TokenCodec.KnownFlags;

    private TokenParts(ReadOnlySpan<byte> header, ReadOnlySpan<byte> grants, ReadOnlySpan<byte> restrictions, ReadOnlySpan<byte> tag, TokenGrants grantsRead)
    {
        Header = header;
        Grants = grants;
        Restrictions = restrictions;
        Tag = tag;
        GrantsRead = grantsRead;
    }

    /// <summary>Gets the header as carried (flag bit 2 set when restricted).</summary>
    public ReadOnlySpan<byte> Header { get; }

    /// <summary>Gets the grants part, length byte included, or an empty span.</summary>
    public ReadOnlySpan<byte> Grants { get; }

    /// <summary>Gets the restriction chain's bytes, or an empty span.</summary>
    public ReadOnlySpan<byte> Restrictions { get; }

    /// <summary>Gets the 16-byte tag: the root tag, or the chain's final tag when restricted.</summary>
    public ReadOnlySpan<byte> Tag { get; }

    /// <summary>Gets the grants, read; empty when the token has none.</summary>
    public TokenGrants GrantsRead { get; }

    /// <summary>Gets a value indicating whether the token carries restrictions.</summary>
    public bool IsRestricted => !Restrictions.IsEmpty;

    /// <summary>Splits decoded token bytes into parts, checking structure and layout only (never the tag).</summary>
    /// <param name="bytes">The decoded token.</param>
    /// <param name="parts">The parts, when well-formed.</param>
    /// <returns><see cref="InvitationFailureReason.None"/>, <see cref="InvitationFailureReason.UnsupportedVersion"/> or <see cref="InvitationFailureReason.Malformed"/>.</returns>
    /// <param name="decodeText">Whether to decode the nick and label grants into strings (<see cref="GrantsRead"/>); structure checks alone allocate nothing.</param>
    internal static InvitationFailureReason TryParse(ReadOnlySpan<byte> bytes, out TokenParts parts, bool decodeText = true)
    {
        parts = default;
        if (bytes.Length < 2)
        {
            return InvitationFailureReason.Malformed;
        }

        if (bytes[0] != TokenCodec.Version1)
        {
            return InvitationFailureReason.UnsupportedVersion;
        }

        var flags = bytes[1];
        var headerSize = TokenCodec.HeaderSize((flags & TokenCodec.FlagUseLimited) != 0);
        if ((flags & ~KnownFlags) != 0 || bytes.Length > MaxBytes || bytes.Length < headerSize + TokenCodec.TagSize)
        {
            return InvitationFailureReason.Malformed;
        }

        var issuedAt = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        var expiresAt = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
        if (expiresAt <= issuedAt || ((flags & TokenCodec.FlagUseLimited) != 0 && BinaryPrimitives.ReadUInt16BigEndian(bytes[20..]) == 0))
        {
            return InvitationFailureReason.Malformed;
        }

        var body = bytes[headerSize..^TokenCodec.TagSize];
        var grants = ReadOnlySpan<byte>.Empty;
        var grantsRead = default(TokenGrants);
        if ((flags & FlagGrants) != 0)
        {
            if (!TokenGrantsCodec.TryRead(body, out grantsRead, out var consumed, decodeText))
            {
                return InvitationFailureReason.Malformed;
            }

            grants = body[..consumed];
            body = body[consumed..];
        }

        if ((flags & FlagRestricted) != 0 ? !IsWellFormedChain(body, issuedAt, !grants.IsEmpty) : !body.IsEmpty)
        {
            return InvitationFailureReason.Malformed;
        }

        parts = new TokenParts(bytes[..headerSize], grants, body, bytes[^TokenCodec.TagSize..], grantsRead);
        return InvitationFailureReason.None;
    }

    /// <summary>Writes what the root tag covers before the canonical form: the header with flag bit 2 cleared, then the grants part.</summary>
    /// <param name="destination">At least <c>Header.Length + Grants.Length</c> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    internal int WriteRootHeader(Span<byte> destination)
    {
        Header.CopyTo(destination);
        destination[1] &= unchecked((byte)~FlagRestricted);
        Grants.CopyTo(destination[Header.Length..]);
        return Header.Length + Grants.Length;
    }

    /// <summary>Runs the chain from a root tag over this token's restrictions: the tag the token must carry.</summary>
    /// <param name="rootTag">t0, recomputed by the verifier with the channel key (or the tag of the token being narrowed).</param>
    /// <param name="invitee">The canonical bare invitee (UTF-8) presented beside the token; the context of every invitee restriction.</param>
    /// <param name="finalTag">Receives t_n (t0 when there are no restrictions).</param>
    internal void ComputeFinalTag(ReadOnlySpan<byte> rootTag, ReadOnlySpan<byte> invitee, Span<byte> finalTag) =>
        RunChain(rootTag, Restrictions, invitee, finalTag);

    /// <summary>
    /// Runs the chain from the root tag, as <see cref="ComputeFinalTag(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>, and gives each uses restriction its copy id:
    /// the id of the chain tag right after it (docs/token-format.md section 14).
    /// </summary>
    /// <param name="rootTag">t0, recomputed by the verifier.</param>
    /// <param name="invitee">The context of every invitee restriction.</param>
    /// <param name="finalTag">Receives t_n.</param>
    /// <param name="copyLimits">Receives one limit per uses restriction, in chain order; as many entries as <see cref="TokenChainSummary.UsesRestrictions"/>.</param>
    internal void ComputeFinalTag(ReadOnlySpan<byte> rootTag, ReadOnlySpan<byte> invitee, Span<byte> finalTag, Span<InvitationCopyLimit> copyLimits)
    {
        Span<byte> tag = stackalloc byte[TokenCodec.TagSize];
        rootTag[..TokenCodec.TagSize].CopyTo(tag);
        var restrictions = Restrictions;
        var copies = 0;
        while (!restrictions.IsEmpty)
        {
            var kind = (TokenRestrictionKind)restrictions[0];
            var size = TokenRestrictionCodec.SizeOf(kind);
            TokenRestrictionCodec.NextTag(tag, restrictions[..size], kind == TokenRestrictionKind.Invitee ? invitee : default, tag);
            if (kind == TokenRestrictionKind.Uses)
            {
                copyLimits[copies++] = new InvitationCopyLimit(InvitationTokenId.FromChainTag(tag), BinaryPrimitives.ReadUInt16BigEndian(restrictions[1..]));
            }

            restrictions = restrictions[size..];
        }

        tag.CopyTo(finalTag);
    }

    /// <summary>What the restrictions say together (their conjunction), read from bytes already known to be well-formed.</summary>
    /// <returns>The summary; for a token without restrictions, one that narrows nothing.</returns>
    internal TokenChainSummary Summarize()
    {
        var summary = new TokenChainSummary { KeptKinds = TokenRestrictionCodec.KnownKindBits, KeptNodes = TokenGrantsCodec.KnownNodes };
        var restrictions = Restrictions;
        while (!restrictions.IsEmpty)
        {
            TokenRestrictionCodec.TryRead(restrictions, out var restriction);
            summary.Count++;
            switch (restriction.Kind)
            {
                case TokenRestrictionKind.Invitee:
                    summary.HasInvitee = true;
                    break;
                case TokenRestrictionKind.ExpiresAt:
                    summary.ExpiresAt = summary.ExpiresAt == 0 ? restriction.ExpiresAt : Math.Min(summary.ExpiresAt, restriction.ExpiresAt);
                    break;
                case TokenRestrictionKind.Uses:
                    summary.UsesRestrictions++;
                    summary.MaxUses = summary.MaxUses == 0 ? restriction.MaxUses : Math.Min(summary.MaxUses, restriction.MaxUses);
                    break;
                case TokenRestrictionKind.Grants:
                    summary.KeptKinds &= restriction.KeptKinds;
                    summary.KeptNodes &= restriction.KeptNodes;
                    break;
            }

            restrictions = restrictions[restriction.Size..];
        }

        return summary;
    }

    /// <summary>Runs the chain over restriction bytes already known to be well-formed.</summary>
    /// <param name="rootTag">The tag to start from.</param>
    /// <param name="restrictions">The chain's bytes.</param>
    /// <param name="invitee">The context of every invitee restriction.</param>
    /// <param name="finalTag">Receives the final tag.</param>
    internal static void RunChain(ReadOnlySpan<byte> rootTag, ReadOnlySpan<byte> restrictions, ReadOnlySpan<byte> invitee, Span<byte> finalTag)
    {
        Span<byte> tag = stackalloc byte[TokenCodec.TagSize];
        rootTag[..TokenCodec.TagSize].CopyTo(tag);
        while (!restrictions.IsEmpty)
        {
            var kind = (TokenRestrictionKind)restrictions[0];
            var size = TokenRestrictionCodec.SizeOf(kind);
            TokenRestrictionCodec.NextTag(tag, restrictions[..size], kind == TokenRestrictionKind.Invitee ? invitee : default, tag);
            restrictions = restrictions[size..];
        }

        tag.CopyTo(finalTag);
    }

    private static bool IsWellFormedChain(ReadOnlySpan<byte> chain, uint issuedAt, bool hasGrants)
    {
        Span<TokenRestriction> read = stackalloc TokenRestriction[TokenRestrictionCodec.MaxRestrictions];
        if (!TokenRestrictionCodec.TryReadChain(chain, read, out var count))
        {
            return false;
        }

        foreach (var restriction in read[..count])
        {
            if ((restriction.Kind == TokenRestrictionKind.ExpiresAt && restriction.ExpiresAt <= issuedAt) || (restriction.Kind == TokenRestrictionKind.Grants && !hasGrants))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The conjunction of a token's restrictions (docs/token-format.md section 14).</summary>
internal struct TokenChainSummary
{
    /// <summary>The number of restrictions.</summary>
    public int Count;

    /// <summary>Whether an invitee restriction is present: only the presented invitee may redeem.</summary>
    public bool HasInvitee;

    /// <summary>The earliest expires-at restriction, in seconds since 1970, or 0 for none.</summary>
    public uint ExpiresAt;

    /// <summary>The number of uses restrictions.</summary>
    public int UsesRestrictions;

    /// <summary>The smallest uses restriction, or 0 for none.</summary>
    public int MaxUses;

    /// <summary>The grant kinds every grants restriction keeps (bit k−1 for kind k).</summary>
    public byte KeptKinds;

    /// <summary>The nodes every grants restriction keeps.</summary>
    public ushort KeptNodes;
}
