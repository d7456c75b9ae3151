namespace Mix.Invitations;

/// <summary>
/// Proof that a redemption took one use of a use-limited token: the only thing <see cref="InvitationRedeemer.ReleaseAsync"/>
/// accepts, so only a redemption that consumed a use can give one back.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="InvitationRedeemer"/> hands one out on <see cref="InvitationRedemptionResult.Receipt"/> when, and only when,
/// the ledger counted a use; a refused redemption, and one of a token without a use limit, has none. It names the use
/// by the id the ledger gave it, and the ledger gives back that use at most once — however often, however
/// concurrently, and on however many nodes the receipt is released.
/// </para>
/// <para>It holds no token and no secret. Nobody outside this library can make one.</para>
/// </remarks>
public sealed class InvitationRedemptionReceipt
{
    internal InvitationRedemptionReceipt(InvitationTokenId tokenId, Jid channel, long useId)
    {
        TokenId = tokenId;
        Channel = channel;
        UseId = useId;
    }

    /// <summary>Gets the id of the token whose use was taken.</summary>
    public InvitationTokenId TokenId { get; }

    /// <summary>Gets the channel the token admits to.</summary>
    public Jid Channel { get; }

    /// <summary>Gets the id the ledger gave the use (<see cref="InvitationLedgerResult.UseId"/>): positive, never reused within the token's entry.</summary>
    public long UseId { get; }

    /// <summary>Describes the receipt without the token id.</summary>
    /// <returns><c>use N</c>.</returns>
    public override string ToString() => $"use {UseId}";
}
