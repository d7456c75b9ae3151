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

    /// <summary>Gets how many times the invitation may be redeemed, or <see langword="null"/> for no limit.</summary>
    /// <value>1–65535. A limit is enforced by the redemption ledger; 1 makes a single-use invitation.</value>
    public int? MaxUses { get; init; }
}
