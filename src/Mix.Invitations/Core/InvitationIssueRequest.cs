namespace Mix.Invitations;

/// <summary>What to issue an invitation for.</summary>
/// <example>
/// <code>
/// var request = new InvitationIssueRequest
/// {
///     Channel = Jid.Parse("coven@mix.shakespeare.example"),
///     Inviter = Jid.Parse("hag66@shakespeare.example"),
///     Invitee = Jid.Parse("cat@shakespeare.example"),
/// };
/// </code>
/// </example>
public sealed class InvitationIssueRequest
{
    /// <summary>Gets the channel the invitation admits to.</summary>
    public required Jid Channel { get; init; }

    /// <summary>Gets the user who invites; required by <c>inviter-bound</c>, bound by <c>invitee-bound</c> when present.</summary>
    public Jid? Inviter { get; init; }

    /// <summary>Gets the user who is invited; required by <c>invitee-bound</c>.</summary>
    public Jid? Invitee { get; init; }

    /// <summary>Gets the binding policy's name, or <see langword="null"/> for the configured default policy.</summary>
    public string? Policy { get; init; }

    /// <summary>Gets how long the invitation stays valid, or <see langword="null"/> for the configured default (7 days unless configured).</summary>
    /// <value>More than zero and at most the configured maximum (30 days unless configured); whole seconds count.</value>
    public TimeSpan? Lifetime { get; init; }

    /// <summary>
    /// Gets the inviter's role in the channel, as the server knows it (for example <see cref="InvitationRoles.Participant"/>),
    /// or <see langword="null"/> when the server supplies none, which issuance rules treat as <see cref="InvitationRoles.Other"/>.
    /// </summary>
    /// <value>Any role name; the rules of <see cref="MixInvitationOptions.Issuance"/> are configured per name.</value>
    public string? InviterRole { get; init; }

    /// <summary>
    /// Gets the channel's XEP-0406 setting "Participation Addition by Invitation from Participant" (whether
    /// participants may invite), as the server knows it, or <see langword="null"/> when it supplies none (rules that
    /// need it then refuse a participant).
    /// </summary>
    public bool? ChannelAllowsParticipantInvitations { get; init; }

    /// <summary>Gets how many times the invitation may be redeemed, or <see langword="null"/> for no limit.</summary>
    /// <value>1–65535. A limit is enforced by the redemption ledger; 1 makes a single-use invitation.</value>
    public int? MaxUses { get; init; }

    /// <summary>Gets a short label for operators ("for the Friday meetup"), kept by the inventory (<see cref="IInvitationInventory"/>) and never in the token, or <see langword="null"/>.</summary>
    /// <value>At most <see cref="MaxLabelLength"/> characters, no control characters and no unpaired surrogates. Without an inventory registered it is not stored anywhere.</value>
    public string? Label { get; init; }

    /// <summary>
    /// Gets what redeeming the invitation grants (a role, MIX nodes, a reserved nick, a label), signed into the token, or
    /// <see langword="null"/> for nothing. A token with one role grant is 42 characters (55 use-limited); with every
    /// grant at its longest and a use limit, 96 (docs/token-format.md section 13).
    /// </summary>
    /// <value>A role from 1 to 255; nodes among <see cref="MixNodes"/>; a nick of 1 to <see cref="InvitationGrants.MaxNickBytes"/> and a label of 1 to <see cref="InvitationGrants.MaxLabelBytes"/> bytes of UTF-8, without control characters. Grants that grant nothing are the same as <see langword="null"/>.</value>
    public InvitationGrants? Grants { get; init; }

    /// <summary>The longest <see cref="Label"/>, in UTF-16 code units.</summary>
    public const int MaxLabelLength = 64;
}
