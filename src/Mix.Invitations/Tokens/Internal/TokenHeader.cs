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

    public readonly int Size => TokenCodec.HeaderSize(IsUseLimited);
}
