namespace Mix.Invitations;

/// <summary>
/// What redeeming an invitation grants, signed into its token (docs/token-format.md section 13): a role, MIX nodes to
/// subscribe to, a reserved nick and a label. Set <see cref="InvitationIssueRequest.Grants"/> to issue them; read them
/// from <see cref="InvitationClaims.Grants"/> once a token verified.
/// </summary>
/// <remarks>
/// <para>
/// The values are the server's to define and to apply: a role is a small server-defined id (1–255, for example
/// 1 "participant", 2 "limited"), the nick is reserved subject to the server's own nick rules, and the label names a
/// campaign or cohort for moderators. The library checks only their shape and that the tag covers them.
/// </para>
/// <para>
/// <b>Grants a server does not know.</b> A token may carry grant kinds a later edition defines; the claims report them
/// as <see cref="HasUnknownGrants"/> and validation refuses such a token with
/// <see cref="InvitationFailureReason.GrantNotSupported"/> unless <see cref="MixInvitationOptions.IgnoreUnknownGrants"/>
/// is set. A server that does not offer a role the token names (or nodes, or nicks) refuses it in its own redemption
/// check (<see cref="IInvitationRedemptionCheck"/>): admitting under a grant it cannot honour would give the invitee
/// less than the inviter promised, or more than the server allows.
/// </para>
/// </remarks>
public sealed record InvitationGrants
{
    /// <summary>The longest <see cref="Nick"/>, in bytes of UTF-8.</summary>
    public const int MaxNickBytes = 16;

    /// <summary>The longest <see cref="Label"/>, in bytes of UTF-8.</summary>
    public const int MaxLabelBytes = 10;

    /// <summary>The XEP-0369 and XEP-0084 node names, by bit of <see cref="MixNodes"/>.</summary>
    private static readonly string[] Names =
    [
        "urn:xmpp:mix:nodes:messages",
        "urn:xmpp:mix:nodes:presence",
        "urn:xmpp:mix:nodes:participants",
        "urn:xmpp:mix:nodes:info",
        "urn:xmpp:mix:nodes:allowed",
        "urn:xmpp:mix:nodes:banned",
        "urn:xmpp:mix:nodes:jidmap",
        "urn:xmpp:mix:nodes:config",
        "urn:xmpp:avatar:data",
        "urn:xmpp:avatar:metadata",
    ];

    /// <summary>Gets the role granted: a server-defined id from 1 to 255, or <see langword="null"/> for none.</summary>
    public int? Role { get; init; }

    /// <summary>Gets the MIX nodes the invitee is subscribed to on join, or <see cref="MixNodes.None"/>.</summary>
    public MixNodes Nodes { get; init; }

    /// <summary>Gets the reserved nick: 1 to <see cref="MaxNickBytes"/> bytes of UTF-8 with no control character, or <see langword="null"/>.</summary>
    public string? Nick { get; init; }

    /// <summary>Gets the server-defined label: 1 to <see cref="MaxLabelBytes"/> bytes of UTF-8 with no control character, or <see langword="null"/>.</summary>
    public string? Label { get; init; }

    /// <summary>Gets a value indicating whether the token also grants kinds this edition of the library does not define (read from a token, never issued).</summary>
    public bool HasUnknownGrants { get; internal init; }

    /// <summary>Gets the kinds granted.</summary>
    public InvitationGrantKinds Kinds =>
        (Role is null ? 0 : InvitationGrantKinds.Role) | (Nodes == MixNodes.None ? 0 : InvitationGrantKinds.Nodes) |
        (Nick is null ? 0 : InvitationGrantKinds.Nick) | (Label is null ? 0 : InvitationGrantKinds.Label);

    /// <summary>Gets the node names of <see cref="Nodes"/>, for example <c>urn:xmpp:mix:nodes:messages</c>, in bit order: what a XEP-0369 join subscribes to.</summary>
    public IReadOnlyList<string> NodeNames => NamesOf(Nodes);

    /// <summary>Gets the node names of a set of nodes, in bit order.</summary>
    /// <param name="nodes">The nodes.</param>
    /// <returns>The XEP-0369 and XEP-0084 node names; bits of no defined node are skipped.</returns>
    public static IReadOnlyList<string> NamesOf(MixNodes nodes)
    {
        var names = new List<string>();
        for (var bit = 0; bit < Names.Length; bit++)
        {
            if (((ushort)nodes & (1 << bit)) != 0)
            {
                names.Add(Names[bit]);
            }
        }

        return names;
    }

    /// <summary>Finds the node of a XEP-0369 or XEP-0084 node name.</summary>
    /// <param name="name">The name, for example <c>urn:xmpp:mix:nodes:messages</c>.</param>
    /// <param name="node">The node, when the name is one of them.</param>
    /// <returns><see langword="true"/> when the name is a node a grant can name.</returns>
    public static bool TryParseNodeName(string? name, out MixNodes node)
    {
        var index = Array.IndexOf(Names, name);
        node = index < 0 ? MixNodes.None : (MixNodes)(1 << index);
        return index >= 0;
    }
}
