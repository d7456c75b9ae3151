namespace Mix.Invitations.Internal;

/// <summary>What the claims of a token with grants or restrictions say beyond a plain token's: one reference in the claims, <see langword="null"/> for plain tokens.</summary>
internal sealed class ClaimsExtras
{
    /// <summary>Gets the effective grants, or <see langword="null"/> for none.</summary>
    public InvitationGrants? Grants { get; init; }

    /// <summary>Gets the number of restrictions.</summary>
    public int RestrictionCount { get; init; }

    /// <summary>Gets the earliest expires-at restriction when it is before the header's expiry, else <see langword="null"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets a value indicating whether an invitee restriction binds the presented invitee.</summary>
    public bool InviteeRestricted { get; init; }

    /// <summary>Gets the copy limits along the chain.</summary>
    public InvitationCopyLimit[]? CopyLimits { get; init; }

    /// <summary>Makes the effective grants from the grants part and the restrictions' kept kinds and nodes.</summary>
    /// <param name="grants">The grants part, read.</param>
    /// <param name="keptKinds">The kinds every grants restriction keeps (bit k−1 for kind k).</param>
    /// <param name="keptNodes">The nodes every grants restriction keeps.</param>
    /// <returns>The grants, or <see langword="null"/> when nothing is left.</returns>
    public static InvitationGrants? EffectiveGrants(in TokenGrants grants, byte keptKinds, ushort keptNodes)
    {
        var role = (keptKinds & 1) != 0 && grants.RoleId != 0 ? grants.RoleId : (int?)null;
        var nodes = (keptKinds & 2) != 0 ? (MixNodes)(grants.Nodes & keptNodes) : MixNodes.None;
        var nick = (keptKinds & 4) != 0 ? grants.Nick : null;
        var label = (keptKinds & 8) != 0 ? grants.Label : null;
        var unknown = (grants.UnknownKinds & keptKinds) != 0;
        return role is null && nodes == MixNodes.None && nick is null && label is null && !unknown
            ? null
            : new InvitationGrants { Role = role, Nodes = nodes, Nick = nick, Label = label, HasUnknownGrants = unknown };
    }
}
