namespace Mix.Invitations.Internal;

/// <summary>
/// What a token grants on redemption (issue 19, docs/design/grants-and-narrowing.md section 2.1): a role id, MIX
/// nodes, a reserved nick and a label. Each is absent when 0 or <see langword="null"/>. Not yet wired into issuing or
/// validation: the codec is groundwork, tested on its own.
/// </summary>
internal readonly record struct TokenGrants
{
    /// <summary>Gets the role id (1–255, server-defined), or 0 for no role grant.</summary>
    public byte RoleId { get; init; }

    /// <summary>Gets the mask of MIX nodes to subscribe to (bits of <see cref="TokenGrantsCodec.KnownNodes"/>), or 0 for no nodes grant.</summary>
    public ushort Nodes { get; init; }

    /// <summary>Gets the reserved nick (1–16 bytes of UTF-8), or <see langword="null"/>.</summary>
    public string? Nick { get; init; }

    /// <summary>Gets the server-defined label (1–10 bytes of UTF-8), or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Gets the grant kinds this edition does not know (bit k−1 for kind k, kinds 5–7) that a read token holds; never written.</summary>
    public byte UnknownKinds { get; init; }

    /// <summary>Gets a value indicating whether nothing is granted, known or not.</summary>
    public bool IsEmpty => RoleId == 0 && Nodes == 0 && Nick is null && Label is null && UnknownKinds == 0;
}
