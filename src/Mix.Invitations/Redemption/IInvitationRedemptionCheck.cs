namespace Mix.Invitations;

/// <summary>
/// The server's own checks before a token is redeemed: for example that the inviter may still invite to the channel,
/// or that the joining user is not banned from it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="InvitationRedeemer"/> runs the registered checks in registration order after the token validated
/// statelessly and before the ledger is consulted, so a refused joiner never consumes a use. The first check that
/// refuses decides.
/// </para>
/// <para>
/// Implementations must be thread-safe: one instance serves every redemption. Exceptions they throw propagate to the
/// caller of the redeemer (the token is not redeemed).
/// </para>
/// </remarks>
public interface IInvitationRedemptionCheck
{
    /// <summary>Decides whether the redemption may go on.</summary>
    /// <param name="context">The invitation, its verified claims and the joining user.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>
    /// <see cref="InvitationFailureReason.None"/> to go on, or <see cref="InvitationFailureReason.InviterNotAllowed"/> /
    /// <see cref="InvitationFailureReason.JoinerBanned"/> to refuse. Any other reason is a bug of the check, and the
    /// redeemer throws <see cref="InvalidOperationException"/>.
    /// </returns>
    ValueTask<InvitationFailureReason> CheckAsync(InvitationRedemptionCheckContext context, CancellationToken cancellationToken);
}
