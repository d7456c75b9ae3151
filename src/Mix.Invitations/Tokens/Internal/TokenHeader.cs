namespace Mix.Invitations.Internal;

/// <summary>The fields of a v1 header.</summary>
internal struct TokenHeader
{
    public byte PolicyId;
    public byte KeyId;
    public uint IssuedAt;
    public uint ExpiresAt;
    public bool IsUseLimited;
    public ulong Nonce;
    public ushort MaxUses;

    /// <summary>The flags byte as decoded (bits 1 and 2 say whether grants and restrictions follow).</summary>
    public byte Flags;

    /// <summary>The decoded token's length in bytes (header, grants, restrictions and tag).</summary>
    public int Length;

    public readonly bool IsExtended => (Flags & (TokenCodec.FlagGrants | TokenCodec.FlagRestricted)) != 0;

    public readonly int Size => TokenCodec.HeaderSize(IsUseLimited);
}
