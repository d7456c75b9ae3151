using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Redeems invitations: stateless validation, then the server's own checks, then the ledger — single use, use
/// limits and revocation.
/// </summary>
/// <remarks>
/// <para>The order of a redemption:</para>
/// <list type="number">
/// <item>Stateless validation (<see cref="InvitationService.TryValidate"/>): a token that fails it is refused with that reason.</item>
/// <item>Each registered <see cref="IInvitationRedemptionCheck"/>, in order: <see cref="InvitationFailureReason.InviterNotAllowed"/>, <see cref="InvitationFailureReason.JoinerBanned"/>.</item>
/// <item>
/// The ledger. <b>With a ledger</b>, every redemption checks revocation, and a use-limited token also consumes one use:
/// <see cref="InvitationFailureReason.Revoked"/>, <see cref="InvitationFailureReason.UsesExhausted"/>. When the ledger
/// cannot be reached the token is refused with <see cref="InvitationFailureReason.LedgerUnavailable"/> — never let
/// through (fail closed). <b>Without a ledger</b>, tokens without a use limit redeem statelessly (and cannot be revoked
/// one by one), and use-limited tokens are refused with <see cref="InvitationFailureReason.LedgerUnavailable"/> rather
/// than silently accepted without limit.
/// </item>
/// </list>
/// <para>
/// A use counts from acceptance. XEP-0445 consumes a token only when the join succeeds: when the join fails after the
/// redeemer accepted the token, call <see cref="ReleaseAsync"/> to give the use back.
/// </para>
/// <para>
/// Every redemption is counted in the <c>mix.invitations.redeemed</c> metric with its outcome and reason, and an
/// unreachable ledger is logged (event 7, <c>LedgerUnavailable</c>). Thread-safe. With dependency injection,
/// <c>services.AddMixInvitations(…)</c> registers it with an <see cref="InMemoryInvitationLedger"/> unless another
/// ledger is registered.
/// </para>
/// </remarks>
public sealed class InvitationRedeemer
{
    private readonly InvitationService _service;
    private readonly IInvitationLedger? _ledger;
    private readonly IInvitationRedemptionCheck[] _checks;
    private readonly InvitationTelemetry _telemetry;
    private readonly string _ledgerName;

    /// <summary>Initializes a new redeemer.</summary>
    /// <param name="service">The service that validates tokens statelessly.</param>
    /// <param name="ledger">The ledger, or <see langword="null"/> for none: then use-limited tokens are refused and no token can be revoked one by one.</param>
    /// <param name="checks">The server's own checks, run in order, or <see langword="null"/> for none.</param>
    /// <param name="telemetry">Where metrics and log events go, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="service"/> is <see langword="null"/>, or <paramref name="checks"/> holds <see langword="null"/>.</exception>
    public InvitationRedeemer(
        InvitationService service,
        IInvitationLedger? ledger = null,
        IEnumerable<IInvitationRedemptionCheck>? checks = null,
        InvitationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _ledger = ledger;
        _checks = checks?.ToArray() ?? [];
        foreach (var check in _checks)
        {
            ArgumentNullException.ThrowIfNull(check, nameof(checks));
        }

        _telemetry = telemetry ?? InvitationTelemetry.None;
        _ledgerName = ledger?.GetType().Name ?? "none";
    }

    /// <summary>Gets the ledger, or <see langword="null"/> when redemption is stateless.</summary>
    public IInvitationLedger? Ledger => _ledger;

    /// <summary>Redeems a presented invitation.</summary>
    /// <param name="invitation">The invitation as presented in the <c>&lt;join/&gt;</c>.</param>
    /// <param name="context">Who is joining and which channel was addressed, from the stanza as the server stamped it.</param>
    /// <param name="cancellationToken">Cancels the checks and the wait for the ledger.</param>
    /// <returns>
    /// A valid result with the claims when the invitation is redeemed; otherwise the reason: any stateless reason, or
    /// <see cref="InvitationFailureReason.InviterNotAllowed"/>, <see cref="InvitationFailureReason.JoinerBanned"/>,
    /// <see cref="InvitationFailureReason.Revoked"/>, <see cref="InvitationFailureReason.UsesExhausted"/>,
    /// <see cref="InvitationFailureReason.LedgerUnavailable"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when a check returns a reason other than None, InviterNotAllowed or JoinerBanned, or the ledger an undefined outcome.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationValidationResult> RedeemAsync(Invitation invitation, InvitationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var validated = _service.TryValidate(invitation, context);
        return RedeemCoreAsync(invitation, validated, context.Joiner, cancellationToken);
    }

    /// <summary>Redeems a bearer token (<c>&lt;preauth token='…'/&gt;</c>, <c>xmpp:channel?join;preauth=…</c>) for the channel the context names.</summary>
    /// <param name="token">The token.</param>
    /// <param name="context">Who is joining and the channel that was addressed; the channel is required.</param>
    /// <param name="cancellationToken">Cancels the checks and the wait for the ledger.</param>
    /// <returns>As <see cref="RedeemAsync"/>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    /// <exception cref="InvalidOperationException">Thrown when a check returns a reason other than None, InviterNotAllowed or JoinerBanned, or the ledger an undefined outcome.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationValidationResult> RedeemTokenAsync(string token, InvitationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (context.Channel is not { } channel)
        {
            throw new ArgumentException("A bare token is redeemed for a channel: the context must name one.", nameof(context));
        }

        var validated = _service.TryValidateToken(token, context);
        return RedeemCoreAsync(new Invitation(channel, token), validated, context.Joiner, cancellationToken);
    }

    /// <summary>Revokes one invitation until it expires: every later redemption of it is refused with <see cref="InvitationFailureReason.Revoked"/>.</summary>
    /// <param name="invitation">The invitation as issued (its token must verify against the channel and the bound fields).</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns>
    /// A valid result with the claims when the revocation is stored. A refusal when the token is not genuine (nothing
    /// is stored: a forged token cannot fill the ledger), when it has expired already (nothing to revoke:
    /// <see cref="InvitationFailureReason.Expired"/>), or when the ledger cannot be reached
    /// (<see cref="InvitationFailureReason.LedgerUnavailable"/>).
    /// </returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no ledger is registered.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationValidationResult> RevokeAsync(Invitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var ledger = RequireLedger();

        // No joiner: the revoker is not redeeming, so a policy's joiner check may refuse; the tag is what matters.
        var validated = _service.TryValidate(invitation, new InvitationContext(null, invitation.Channel));
        return RevokeCoreAsync(ledger, validated, cancellationToken);
    }

    /// <summary>Revokes one bearer token of a channel until it expires.</summary>
    /// <param name="token">The token.</param>
    /// <param name="channel">The channel it admits to.</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns>As <see cref="RevokeAsync"/>.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="token"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no ledger is registered.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationValidationResult> RevokeTokenAsync(string token, Jid channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        Error.ThrowIfEmpty(channel, nameof(channel));

        var ledger = RequireLedger();
        var validated = _service.TryValidateToken(token, new InvitationContext(null, channel));
        return RevokeCoreAsync(ledger, validated, cancellationToken);
    }

    /// <summary>
    /// Gives back the use a successful redemption consumed, when the join failed afterwards (XEP-0445: a token is
    /// consumed only on success). Does nothing for a token without a use limit or without a ledger.
    /// </summary>
    /// <param name="claims">The claims of the successful redemption (<see cref="InvitationValidationResult.Claims"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns><see langword="true"/> when the use was given back or there was none to give; <see langword="false"/> when the ledger could not be reached (the use stays consumed).</returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="claims"/> is <c>default</c>.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public async ValueTask<bool> ReleaseAsync(InvitationClaims claims, CancellationToken cancellationToken = default)
    {
        if (claims.Channel.IsEmpty)
        {
            throw new ArgumentException("The claims must come from a successful redemption.", nameof(claims));
        }

        if (_ledger is null || !claims.IsUseLimited)
        {
            return true;
        }

        try
        {
            await _ledger.ReleaseAsync(claims.TokenId, claims.Channel, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return false;
        }
    }

    private async ValueTask<InvitationValidationResult> RedeemCoreAsync(Invitation invitation, InvitationValidationResult validated, Jid? joiner, CancellationToken cancellationToken)
    {
        var result = validated.IsValid
            ? await CheckAndConsumeAsync(invitation, validated.Claims, joiner, cancellationToken).ConfigureAwait(false)
            : validated;
        _telemetry.Redeemed(result);
        return result;
    }

    private async ValueTask<InvitationValidationResult> CheckAndConsumeAsync(Invitation invitation, InvitationClaims claims, Jid? joiner, CancellationToken cancellationToken)
    {
        foreach (var check in _checks)
        {
            var reason = await check.CheckAsync(new InvitationRedemptionCheckContext(invitation, claims, joiner), cancellationToken).ConfigureAwait(false);
            switch (reason)
            {
                case InvitationFailureReason.None:
                    continue;
                case InvitationFailureReason.InviterNotAllowed:
                case InvitationFailureReason.JoinerBanned:
                    return InvitationValidationResult.Failure(reason, claims);
                default:
                    throw new InvalidOperationException($"The redemption check {check.GetType().Name} returned {reason}; a check may return only None, InviterNotAllowed or JoinerBanned.");
            }
        }

        if (_ledger is null)
        {
            // Without a ledger a use limit cannot be enforced: refuse rather than let the token through without limit.
            return claims.IsUseLimited
                ? InvitationValidationResult.Failure(InvitationFailureReason.LedgerUnavailable, claims)
                : InvitationValidationResult.Success(claims);
        }

        InvitationLedgerOutcome outcome;
        try
        {
            outcome = await _ledger.TryConsumeAsync(claims.TokenId, claims.Channel, claims.MaxUses, RetainUntil(claims), cancellationToken).ConfigureAwait(false);
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return InvitationValidationResult.Failure(InvitationFailureReason.LedgerUnavailable, claims);
        }

        return outcome switch
        {
            InvitationLedgerOutcome.Consumed => InvitationValidationResult.Success(claims),
            InvitationLedgerOutcome.Exhausted => InvitationValidationResult.Failure(InvitationFailureReason.UsesExhausted, claims),
            InvitationLedgerOutcome.Revoked => InvitationValidationResult.Failure(InvitationFailureReason.Revoked, claims),
            InvitationLedgerOutcome.Expired => InvitationValidationResult.Failure(InvitationFailureReason.Expired, claims),
            _ => throw new InvalidOperationException($"The ledger {_ledgerName} returned the undefined outcome {(int)outcome}."),
        };
    }

    private async ValueTask<InvitationValidationResult> RevokeCoreAsync(IInvitationLedger ledger, InvitationValidationResult validated, CancellationToken cancellationToken)
    {
        if (!IsGenuine(validated.Reason))
        {
            return validated; // not genuine (nothing stored), or expired (nothing to revoke)
        }

        var claims = validated.Claims;
        try
        {
            await ledger.RevokeAsync(claims.TokenId, claims.Channel, RetainUntil(claims), cancellationToken).ConfigureAwait(false);
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return InvitationValidationResult.Failure(InvitationFailureReason.LedgerUnavailable, claims);
        }

        return InvitationValidationResult.Success(claims);
    }

    /// <summary>Whether the tag verified and the token is still within its lifetime, whatever the joiner or policy switches say.</summary>
    private static bool IsGenuine(InvitationFailureReason reason) => reason
        is InvitationFailureReason.None
        or InvitationFailureReason.PolicyDisabled
        or InvitationFailureReason.NotYetValid
        or InvitationFailureReason.InviteeMismatch;

    /// <summary>
    /// Until when a ledger entry must be kept: the expiry, plus the tolerance any node still accepts the token within,
    /// plus the margin a redemption validated just before that may take to reach the ledger.
    /// </summary>
    private DateTimeOffset RetainUntil(in InvitationClaims claims) => claims.ExpiresAt + _service.ExpiryTolerance + _service.LedgerRetentionMargin;

    private IInvitationLedger RequireLedger() =>
        _ledger ?? throw new InvalidOperationException("Revocation needs a ledger: register one (AddMixInvitations registers the in-memory ledger by default) or pass one to the InvitationRedeemer constructor.");
}
