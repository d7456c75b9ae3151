using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// One redemption as an <see cref="IInvitationLedger"/> decides it (<see cref="IInvitationLedger.TryConsumeAsync"/>):
/// the token, what its tag says that the ledger compares (use limit, issued-at, bound inviter), until when the ledger
/// keeps what it learns, and who is joining.
/// </summary>
/// <remarks><c>default(InvitationLedgerRequest)</c> names no channel: a ledger refuses it with <see cref="ArgumentException"/>.</remarks>
public readonly struct InvitationLedgerRequest
{
    /// <summary>Initializes a new request.</summary>
    /// <param name="tokenId">The token's id (<see cref="InvitationClaims.TokenId"/>).</param>
    /// <param name="channel">The channel the token admits to; its bare form is kept.</param>
    /// <param name="maxUses">The token's use limit, or 0 for a token without one: then only revocation is checked and nothing is written.</param>
    /// <param name="retainUntil">Until when the token's entry must be kept: its <see cref="InvitationClaims.AcceptedUntil"/> plus <see cref="MixInvitationOptions.LedgerRetentionMargin"/>. At or after it the ledger answers <see cref="InvitationLedgerOutcome.Expired"/>.</param>
    /// <param name="issuedAt">When the token was issued, as its tag says (<see cref="InvitationClaims.IssuedAt"/>): compared with the channel's and the inviter's cut-offs (<see cref="IInvitationLedger.RevokeIssuedBeforeAsync"/>).</param>
    /// <param name="inviter">The inviter the tag covers (<see cref="InvitationClaims.Inviter"/>), or <see langword="null"/> when the token binds none: then only the channel's cut-off applies. Its bare form is kept.</param>
    /// <param name="joiner">Who is joining, or <see langword="null"/> when not known: with a joiner, a use-limited token redeemed again by the same bare JID while its use is outstanding answers that use again instead of taking a second one. Its bare form is kept.</param>
    /// <param name="copyLimits">The use limits of the narrowed copies along the presented token's chain (<see cref="InvitationClaims.CopyLimits"/>), or empty for a token as issued: each use is counted against every one of them as well as <paramref name="maxUses"/>.</param>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/>, <paramref name="inviter"/> or <paramref name="joiner"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="maxUses"/> is negative, or a copy limit is outside 1–65535.</exception>
    public InvitationLedgerRequest(InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, DateTimeOffset issuedAt, Jid? inviter = null, Jid? joiner = null, ReadOnlyMemory<InvitationCopyLimit> copyLimits = default)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        JidArgument.ThrowIfEmpty(inviter, nameof(inviter));
        JidArgument.ThrowIfEmpty(joiner, nameof(joiner));
        ArgumentOutOfRangeException.ThrowIfNegative(maxUses);
        TokenId = tokenId;
        Channel = channel.Bare;
        MaxUses = maxUses;
        RetainUntil = retainUntil;
        IssuedAt = issuedAt;
        Inviter = inviter.HasValue ? inviter.GetValueOrDefault().Bare : null;
        Joiner = joiner.HasValue ? joiner.GetValueOrDefault().Bare : null;
        foreach (var limit in copyLimits.Span)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(limit.MaxUses, 1, nameof(copyLimits));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(limit.MaxUses, ushort.MaxValue, nameof(copyLimits));
        }

        CopyLimits = copyLimits;
    }

    /// <summary>Gets the token's id.</summary>
    public InvitationTokenId TokenId { get; }

    /// <summary>Gets the bare channel the token admits to.</summary>
    public Jid Channel { get; }

    /// <summary>Gets the token's use limit, or 0 for a token without one.</summary>
    public int MaxUses { get; }

    /// <summary>
    /// Gets the use limits of the narrowed copies along the presented token's chain, empty for a token as issued. A
    /// consume counts one use against the original (its limit when <see cref="MaxUses"/> is positive) and against every
    /// copy limit, all or nothing, in the same atomic decision; a copy whose uses are all outstanding is
    /// <see cref="InvitationLedgerOutcome.Exhausted"/> even while the original has uses left.
    /// </summary>
    public ReadOnlyMemory<InvitationCopyLimit> CopyLimits { get; }

    /// <summary>Gets a value indicating whether a consume takes a use (and returns its id): the token or a copy along its chain is use-limited.</summary>
    public bool TakesUse => MaxUses > 0 || !CopyLimits.IsEmpty;

    /// <summary>Gets until when the token's entry must be kept.</summary>
    public DateTimeOffset RetainUntil { get; }

    /// <summary>Gets when the token was issued, as its tag says.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Gets the bare inviter the tag covers, or <see langword="null"/>.</summary>
    public Jid? Inviter { get; }

    /// <summary>Gets the bare JID of the joiner, or <see langword="null"/> when not known.</summary>
    public Jid? Joiner { get; }
}
