namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// The ledger's consume as most contract tests ask it: a token id, a channel, a use limit and a retention instant, with
/// no inviter, no joiner, and an issued-at long before any cut-off a test stores. Tests of cut-offs and retries build
/// an <see cref="InvitationLedgerRequest"/> themselves.
/// </summary>
internal static class LedgerShortcuts
{
    /// <summary>An issued-at before every instant the tests use, so that no cut-off they store reaches it unless meant to.</summary>
    public static readonly DateTimeOffset LongAgo = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ValueTask<InvitationLedgerResult> TryConsumeAsync(this IInvitationLedger ledger, InvitationTokenId tokenId, Jid channel, int maxUses, DateTimeOffset retainUntil, CancellationToken cancellationToken = default) =>
        ledger.TryConsumeAsync(new InvitationLedgerRequest(tokenId, channel, maxUses, retainUntil, LongAgo), cancellationToken);
}
