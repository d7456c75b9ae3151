namespace Mix.Invitations.Internal;

/// <summary>One restriction of a narrowed token: a predicate that can only refuse. Fields a kind has no use for are 0.</summary>
internal readonly record struct TokenRestriction
{
    /// <summary>Gets the kind.</summary>
    public TokenRestrictionKind Kind { get; init; }

    /// <summary>Gets the expiry of an <see cref="TokenRestrictionKind.ExpiresAt"/> restriction, in seconds since 1970.</summary>
    public uint ExpiresAt { get; init; }

    /// <summary>Gets the limit of a <see cref="TokenRestrictionKind.Uses"/> restriction, 1–65535.</summary>
    public ushort MaxUses { get; init; }

    /// <summary>Gets the nonce of a <see cref="TokenRestrictionKind.Uses"/> restriction.</summary>
    public ulong Nonce { get; init; }

    /// <summary>Gets the grant kinds a <see cref="TokenRestrictionKind.Grants"/> restriction keeps (bit k−1 keeps kind k, kinds 1–7).</summary>
    public byte KeptKinds { get; init; }

    /// <summary>Gets the nodes a <see cref="TokenRestrictionKind.Grants"/> restriction keeps (bits of <see cref="TokenGrantsCodec.KnownNodes"/>).</summary>
    public ushort KeptNodes { get; init; }

    /// <summary>Gets the size of the restriction's bytes, its kind byte included.</summary>
    public int Size => TokenRestrictionCodec.SizeOf(Kind);

    /// <summary>Makes an invitee restriction.</summary>
    /// <returns>The restriction.</returns>
    public static TokenRestriction ToInvitee() => new() { Kind = TokenRestrictionKind.Invitee };

    /// <summary>Makes an expiry restriction.</summary>
    /// <param name="expiresAt">The expiry, in seconds since 1970.</param>
    /// <returns>The restriction.</returns>
    public static TokenRestriction Expiring(uint expiresAt) => new() { Kind = TokenRestrictionKind.ExpiresAt, ExpiresAt = expiresAt };

    /// <summary>Makes a uses restriction.</summary>
    /// <param name="maxUses">The limit, 1–65535.</param>
    /// <param name="nonce">8 bytes from a cryptographically secure generator.</param>
    /// <returns>The restriction.</returns>
    public static TokenRestriction LimitingUses(ushort maxUses, ulong nonce) => new() { Kind = TokenRestrictionKind.Uses, MaxUses = maxUses, Nonce = nonce };

    /// <summary>Makes a grants restriction.</summary>
    /// <param name="keptKinds">The grant kinds kept (bit k−1 keeps kind k).</param>
    /// <param name="keptNodes">The nodes kept.</param>
    /// <returns>The restriction.</returns>
    public static TokenRestriction KeepingGrants(byte keptKinds, ushort keptNodes) => new() { Kind = TokenRestrictionKind.Grants, KeptKinds = keptKinds, KeptNodes = keptNodes };
}
