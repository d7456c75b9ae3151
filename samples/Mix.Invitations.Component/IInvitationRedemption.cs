namespace Mix.Invitations.Component;

/// <summary>
/// Validates a presented invitation or bearer token and, for a use-limited one, consumes a use.
/// </summary>
/// <remarks>
/// The library's redeemer (<c>InvitationRedeemer</c> with a ledger) does exactly this; until it is available the
/// component uses <see cref="InMemoryRedemption"/>. Swapping is one line in <see cref="MixService"/>'s creator.
/// </remarks>
internal interface IInvitationRedemption
{
    /// <summary>Validates an invitation for a joiner and a channel and consumes a use when it is use-limited.</summary>
    /// <param name="invitation">The presented invitation.</param>
    /// <param name="context">The server-stamped joiner and the addressed channel.</param>
    /// <param name="cancellationToken">Cancels the ledger call.</param>
    /// <returns>The outcome; a refusal is a result, not an exception.</returns>
    ValueTask<InvitationValidationResult> RedeemAsync(Invitation invitation, InvitationContext context, CancellationToken cancellationToken);

    /// <summary>Validates a bearer token for a joiner and a channel and consumes a use when it is use-limited.</summary>
    /// <param name="token">The token from <c>&lt;preauth token='…'/&gt;</c>.</param>
    /// <param name="context">The server-stamped joiner and the addressed channel.</param>
    /// <param name="cancellationToken">Cancels the ledger call.</param>
    /// <returns>The outcome; a refusal is a result, not an exception.</returns>
    ValueTask<InvitationValidationResult> RedeemTokenAsync(string token, InvitationContext context, CancellationToken cancellationToken);
}
