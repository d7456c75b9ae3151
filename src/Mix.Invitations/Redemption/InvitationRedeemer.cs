using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Redeems invitations: stateless validation, then the server's own checks, then the ledger — single use, use
/// limits and revocation.
/// </summary>
/// <remarks>
/// <para>The order of a redemption:</para>
/// <list type="number">
/// <item>Stateless validation (<see cref="IInvitationValidator.TryValidate"/>): a token that fails it is refused with that reason.</item>
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
/// redeemer accepted the token, pass the result's <see cref="InvitationRedemptionResult.Receipt"/> to
/// <see cref="ReleaseAsync"/> to give the use back. Only a redemption that took a use has a receipt, and the ledger
/// gives each use back at most once.
/// </para>
/// <para>
/// However long the server's checks take, a redemption that passed validation is decided by the ledger from its own
/// state: the ledger keeps the token's entry until the validator stops accepting it
/// (<see cref="InvitationClaims.AcceptedUntil"/>: the expiry plus <see cref="MixInvitationOptions.ExpiryTolerance"/>), plus
/// <see cref="MixInvitationOptions.LedgerRetentionMargin"/>, and a redemption that reaches it later than that is refused
/// with <see cref="InvitationFailureReason.Expired"/>.
/// </para>
/// <para>
/// Bulk revocation needs no list of tokens: <see cref="RevokeChannelAsync"/> and <see cref="RevokeInviterAsync"/> store
/// a cut-off instant that the ledger compares with each token's signed issued-at. Redemption is retry-safe: the same
/// bare joiner redeeming a use-limited token again while its use is outstanding gets that use back
/// (<see cref="InvitationRedemptionResult.IsRepeat"/>, the same receipt) instead of spending another.
/// </para>
/// <para>
/// With event sinks (<see cref="IInvitationEventSink"/>), redemptions (<see cref="InvitationEventKind.Redeemed"/>, and
/// <see cref="InvitationEventKind.Refused"/> once the tag verified), releases, revocations and verified XEP-0407
/// acknowledgements (<see cref="AcknowledgeAsync"/>) raise events, delivered in the background after the outcome is
/// decided: a sink never changes an outcome or delays a call.
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
    private readonly IInvitationValidator _validator;
    private readonly IInvitationLedger? _ledger;
    private readonly IInvitationRedemptionCheck[] _checks;
    private readonly InvitationTelemetry _telemetry;
    private readonly Func<MixInvitationOptions> _options;
    private readonly TimeProvider _time;
    private readonly string _ledgerName;
    private readonly InvitationEventDispatcher? _events;
    private readonly IInvitationInventory? _inventory;

    /// <summary>Initializes a new redeemer.</summary>
    /// <param name="validator">What validates tokens statelessly: an <see cref="InvitationService"/>, or your own.</param>
    /// <param name="ledger">The ledger, or <see langword="null"/> for none: then use-limited tokens are refused and no token can be revoked one by one.</param>
    /// <param name="checks">The server's own checks, run in order, or <see langword="null"/> for none.</param>
    /// <param name="telemetry">Where metrics and log events go, or <see langword="null"/> for none.</param>
    /// <param name="options">
    /// The options whose <see cref="MixInvitationOptions.LedgerRetentionMargin"/> (how long past
    /// <see cref="InvitationClaims.AcceptedUntil"/> the ledger keeps a token's entry), <see cref="MixInvitationOptions.MaxLifetime"/>
    /// and <see cref="MixInvitationOptions.ExpiryTolerance"/> (how long a bulk revocation's cut-off is kept) are used —
    /// the same as the validator's —, or <see langword="null"/> for the defaults. With dependency injection they follow the options.
    /// </param>
    /// <param name="timeProvider">The clock that gives "now" to <see cref="RevokeChannelAsync"/> and <see cref="RevokeInviterAsync"/> and to events; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="eventSinks">Where lifecycle events go, asynchronously (<see cref="IInvitationEventSink"/>), or <see langword="null"/> for none.</param>
    /// <param name="inventory">The inventory <see cref="RevokeByIdAsync"/> looks invitations up in (the same the issuer records into), or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="validator"/> is <see langword="null"/>, or <paramref name="checks"/> or <paramref name="eventSinks"/> holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when the options' <see cref="MixInvitationOptions.LedgerRetentionMargin"/> is not positive.</exception>
    public InvitationRedeemer(
        IInvitationValidator validator,
        IInvitationLedger? ledger = null,
        IEnumerable<IInvitationRedemptionCheck>? checks = null,
        InvitationTelemetry? telemetry = null,
        MixInvitationOptions? options = null,
        TimeProvider? timeProvider = null,
        IEnumerable<IInvitationEventSink>? eventSinks = null,
        IInvitationInventory? inventory = null)
        : this(validator, ledger, checks, telemetry, FixedOptions(options ?? new MixInvitationOptions()), timeProvider, InvitationEventDispatcher.Create(eventSinks, telemetry), inventory)
    {
    }

    /// <summary>Initializes a redeemer whose options follow the options monitor (dependency injection).</summary>
    internal InvitationRedeemer(
        IInvitationValidator validator,
        IInvitationLedger? ledger,
        IEnumerable<IInvitationRedemptionCheck>? checks,
        InvitationTelemetry? telemetry,
        Func<MixInvitationOptions> options,
        TimeProvider? timeProvider,
        InvitationEventDispatcher? events,
        IInvitationInventory? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _validator = validator;
        _ledger = ledger;
        _checks = checks?.ToArray() ?? [];
        foreach (var check in _checks)
        {
            ArgumentNullException.ThrowIfNull(check, nameof(checks));
        }

        _telemetry = telemetry ?? InvitationTelemetry.None;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _ledgerName = ledger?.GetType().Name ?? "none";
        _events = events;
        _inventory = inventory;
    }

    /// <summary>Gets the ledger, or <see langword="null"/> when redemption is stateless.</summary>
    public IInvitationLedger? Ledger => _ledger;

    /// <summary>Gets the inventory <see cref="RevokeByIdAsync"/> looks invitations up in, or <see langword="null"/> when none is registered.</summary>
    public IInvitationInventory? Inventory => _inventory;

    /// <summary>Redeems a presented invitation, or a bare token made into one with <see cref="Invitation.FromToken"/>.</summary>
    /// <param name="invitation">The invitation as presented in the <c>&lt;join/&gt;</c> (or the bearer token of a <c>&lt;preauth/&gt;</c> or link, through <see cref="Invitation.FromToken"/>).</param>
    /// <param name="context">The addressed channel and who is joining, from the stanza as the server stamped it.</param>
    /// <param name="cancellationToken">Cancels the checks and the wait for the ledger.</param>
    /// <returns>
    /// A valid result with the claims when the invitation is redeemed, and a receipt when a use was taken; otherwise
    /// the reason: any stateless reason, or <see cref="InvitationFailureReason.InviterNotAllowed"/>,
    /// <see cref="InvitationFailureReason.JoinerBanned"/>, <see cref="InvitationFailureReason.Revoked"/>,
    /// <see cref="InvitationFailureReason.UsesExhausted"/>, <see cref="InvitationFailureReason.LedgerUnavailable"/>, or
    /// <see cref="InvitationFailureReason.Expired"/> also when the ledger was reached only after the token's retention
    /// (<see cref="InvitationClaims.AcceptedUntil"/> + <see cref="MixInvitationOptions.LedgerRetentionMargin"/>).
    /// </returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="invitation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    /// <exception cref="InvalidOperationException">Thrown when a check returns a reason other than None, InviterNotAllowed or JoinerBanned, or the ledger an undefined outcome or a use id against its contract.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationRedemptionResult> RedeemAsync(Invitation invitation, InvitationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        context.ThrowIfNoChannel(nameof(context));
        _validator.TryValidate(invitation, context, out var validated);
        return RedeemCoreAsync(invitation, validated, context.Joiner, cancellationToken);
    }

    /// <summary>Revokes one invitation until it expires: every later redemption of it is refused with <see cref="InvitationFailureReason.Revoked"/>.</summary>
    /// <param name="invitation">The invitation as issued (its token must verify against the channel and the bound fields); for a bearer token, <see cref="Invitation.FromToken"/>.</param>
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
        _validator.TryValidate(invitation, new InvitationContext { Channel = invitation.Channel }, out var validated);
        return RevokeCoreAsync(ledger, validated, cancellationToken);
    }

    /// <summary>
    /// Revokes one invitation by its token id, without the token — as an operator does from a list of the channel's
    /// invitations (<see cref="IInvitationInventory.ListAsync"/>): the inventory gives its retention, the ledger keeps the
    /// revocation, and every later redemption on any node sharing the ledger is refused with
    /// <see cref="InvitationFailureReason.Revoked"/>.
    /// </summary>
    /// <param name="channel">The channel the invitation admits to.</param>
    /// <param name="tokenId">The token's id (<see cref="InvitationRecord.TokenId"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for the inventory and the ledger.</param>
    /// <returns>
    /// <see cref="InvitationRevocationOutcome.Revoked"/> (also for an invitation revoked, exhausted or expired already);
    /// <see cref="InvitationRevocationOutcome.NotFound"/> when the inventory lists no such invitation in the channel;
    /// <see cref="InvitationRevocationOutcome.LedgerUnavailable"/> when a store could not be reached.
    /// </returns>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no ledger or no inventory is registered.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public async ValueTask<InvitationRevocationOutcome> RevokeByIdAsync(Jid channel, InvitationTokenId tokenId, CancellationToken cancellationToken = default)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        var ledger = RequireLedger();
        var inventory = _inventory ?? throw new InvalidOperationException("Revoking by id needs the inventory that lists the invitation: register one (AddInventory()) or pass one to the InvitationRedeemer constructor.");
        InvitationRecord? record;
        try
        {
            record = await inventory.GetAsync(channel.Bare, tokenId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return InvitationRevocationOutcome.NotFound;
            }

            var options = _options(); // one version of the options for the whole retention
            await ledger.RevokeAsync(tokenId, record.Channel, record.ExpiresAt + options.ExpiryTolerance + options.LedgerRetentionMargin, cancellationToken).ConfigureAwait(false);
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return InvitationRevocationOutcome.LedgerUnavailable;
        }

        _events?.Raise(new InvitationEvent(InvitationEventKind.Revoked, _time.GetUtcNow(), record.Channel)
        {
            TokenId = tokenId,
            Inviter = record.Inviter,
            Invitee = record.Invitee,
            Policy = record.Policy,
        });
        return InvitationRevocationOutcome.Revoked;
    }

    /// <summary>
    /// Revokes every invitation of a channel issued before an instant — when the channel is destroyed and re-created
    /// under the same JID, or its invitations must all go — without a list of tokens: the ledger keeps the cut-off, and
    /// every later redemption on any node sharing it refuses a token whose signed issued-at is before it with
    /// <see cref="InvitationFailureReason.Revoked"/>.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="issuedBefore">The cut-off, or <see langword="null"/> for now by this redeemer's clock. Issued-at is signed in whole seconds, so a token issued in the same second as the cut-off, before it is reached, is revoked too.</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns>
    /// <see langword="true"/> when the cut-off is stored; <see langword="false"/> when the ledger could not be reached
    /// (it may or may not be stored: revoke again — revoking twice does no harm).
    /// </returns>
    /// <remarks>
    /// The cut-off is kept until <paramref name="issuedBefore"/> plus <see cref="MixInvitationOptions.MaxLifetime"/>,
    /// <see cref="MixInvitationOptions.ExpiryTolerance"/> and <see cref="MixInvitationOptions.LedgerRetentionMargin"/>:
    /// no token issued before it can be redeemed after that. A later cut-off of the same channel replaces an earlier
    /// one; an earlier one never replaces a later one.
    /// </remarks>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no ledger is registered.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<bool> RevokeChannelAsync(Jid channel, DateTimeOffset? issuedBefore = null, CancellationToken cancellationToken = default)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        return RevokeIssuedBeforeCoreAsync(RequireLedger(), channel, null, issuedBefore, cancellationToken);
    }

    /// <summary>
    /// Revokes every invitation one inviter made in a channel before an instant — when the inviter loses the right to
    /// invite, leaves or is banned — without a list of tokens: every later redemption on any node sharing the ledger
    /// refuses such a token with <see cref="InvitationFailureReason.Revoked"/>.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="inviter">The inviter; compared by its bare JID.</param>
    /// <param name="issuedBefore">The cut-off, or <see langword="null"/> for now by this redeemer's clock (whole seconds, as for <see cref="RevokeChannelAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns><see langword="true"/> when the cut-off is stored; <see langword="false"/> when the ledger could not be reached (revoke again).</returns>
    /// <remarks>
    /// It reaches only tokens whose tag covers the inviter (<see cref="InvitationClaims.Inviter"/>: invitee-bound tokens
    /// issued with an inviter, inviter-bound tokens). An unbound token carries no authenticated inviter: the inviter
    /// named beside it could be anyone's. Revoke such tokens by the channel's cut-off (<see cref="RevokeChannelAsync"/>)
    /// or one by one (<see cref="RevokeAsync"/>). The cut-off is kept as long as a channel's.
    /// </remarks>
    /// <exception cref="ArgumentException">Thrown when <paramref name="channel"/> or <paramref name="inviter"/> is <c>default(Jid)</c>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when no ledger is registered.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<bool> RevokeInviterAsync(Jid channel, Jid inviter, DateTimeOffset? issuedBefore = null, CancellationToken cancellationToken = default)
    {
        JidArgument.ThrowIfEmpty(channel, nameof(channel));
        JidArgument.ThrowIfEmpty(inviter, nameof(inviter));
        return RevokeIssuedBeforeCoreAsync(RequireLedger(), channel, inviter, issuedBefore, cancellationToken);
    }

    /// <summary>
    /// Takes note of an invitee's XEP-0407 acknowledgement (<c>&lt;invitation-ack/&gt;</c>): verifies the invitation it
    /// carries and, only when that token is genuine and valid for the context, raises the matching event
    /// (<see cref="InvitationEventKind.Joined"/>, <see cref="InvitationEventKind.Declined"/> or
    /// <see cref="InvitationEventKind.Acknowledged"/>). A forged, tampered or otherwise refused token raises nothing.
    /// </summary>
    /// <param name="ack">The acknowledgement as received.</param>
    /// <param name="context">
    /// The channel the invitation is for and who sent the acknowledgement (<see cref="InvitationContext.Joiner"/>, from
    /// the stanza as the server stamped it): an invitee-bound token acknowledged by someone else is refused.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The validation of the embedded token: valid when the event was raised, otherwise the reason it was ignored.</returns>
    /// <remarks>It takes nothing from the ledger and changes no state: an acknowledgement is information, not a redemption.</remarks>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="ack"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when <paramref name="context"/> names no channel.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public ValueTask<InvitationValidationResult> AcknowledgeAsync(InvitationAck ack, InvitationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ack);
        context.ThrowIfNoChannel(nameof(context));
        cancellationToken.ThrowIfCancellationRequested();
        if (!_validator.TryValidate(ack.Invitation, context, out var validated))
        {
            return ValueTask.FromResult(validated);
        }

        if (_events is not null)
        {
            var claims = validated.Claims;
            var kind = ack.Value switch
            {
                InvitationAckKind.Joined => InvitationEventKind.Joined,
                InvitationAckKind.Declined => InvitationEventKind.Declined,
                _ => InvitationEventKind.Acknowledged,
            };
            _events.Raise(new InvitationEvent(kind, _time.GetUtcNow(), claims.Channel)
            {
                TokenId = claims.TokenId,
                Inviter = claims.Inviter,
                Invitee = claims.Invitee,
                Joiner = context.Joiner,
                Policy = claims.Policy,
            });
        }

        return ValueTask.FromResult(validated);
    }

    /// <summary>
    /// Gives back the use a successful redemption took, when the join failed afterwards (XEP-0445: a token is
    /// consumed only on success).
    /// </summary>
    /// <param name="receipt">
    /// The redemption's <see cref="InvitationRedemptionResult.Receipt"/>. A refused redemption, and one of a token
    /// without a use limit, has none: it took nothing, so there is nothing to give back.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    /// <returns>
    /// <see cref="InvitationReleaseOutcome.Released"/> when the use was given back;
    /// <see cref="InvitationReleaseOutcome.NotOutstanding"/> when it had been already (the ledger gives each use back
    /// at most once, however often and wherever the receipt is released) or the ledger no longer holds the token;
    /// <see cref="InvitationReleaseOutcome.LedgerUnavailable"/> when the ledger could not be reached (the use stays
    /// consumed; releasing again later is safe).
    /// </returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="receipt"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Thrown when this redeemer has no ledger.</exception>
    /// <exception cref="OperationCanceledException">Thrown when <paramref name="cancellationToken"/> is cancelled.</exception>
    public async ValueTask<InvitationReleaseOutcome> ReleaseAsync(InvitationRedemptionReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var ledger = _ledger ?? throw new InvalidOperationException("Releasing a use needs the ledger that counted it: this redeemer has none.");
        try
        {
            if (!await ledger.ReleaseAsync(receipt.TokenId, receipt.Channel, receipt.UseId, cancellationToken).ConfigureAwait(false))
            {
                return InvitationReleaseOutcome.NotOutstanding;
            }

            _events?.Raise(new InvitationEvent(InvitationEventKind.Released, _time.GetUtcNow(), receipt.Channel) { TokenId = receipt.TokenId });
            return InvitationReleaseOutcome.Released;
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return InvitationReleaseOutcome.LedgerUnavailable;
        }
    }

    private async ValueTask<InvitationRedemptionResult> RedeemCoreAsync(Invitation invitation, InvitationValidationResult validated, Jid? joiner, CancellationToken cancellationToken)
    {
        var result = validated.IsValid
            ? await CheckAndConsumeAsync(invitation, validated.Claims, joiner, cancellationToken).ConfigureAwait(false)
            : new InvitationRedemptionResult(validated);
        _telemetry.Redeemed(result.Outcome.Reason, result.Outcome.Claims.Policy, result.Outcome.Claims.KeyId);
        if (_events is not null && result.Outcome.Claims.Policy is not null)
        {
            // Only once the tag verified: a forged or malformed token raises nothing.
            var kind = result.IsValid ? InvitationEventKind.Redeemed : InvitationEventKind.Refused;
            _events.Raise(new InvitationEvent(kind, _time.GetUtcNow(), result.Outcome.Claims.Channel)
            {
                TokenId = result.Outcome.Claims.TokenId,
                Inviter = result.Outcome.Claims.Inviter,
                Invitee = result.Outcome.Claims.Invitee,
                Joiner = joiner,
                Policy = result.Outcome.Claims.Policy,
                Reason = result.Outcome.Reason,
                IsRepeat = result.IsRepeat,
            });
        }

        return result;
    }

    private async ValueTask<InvitationRedemptionResult> CheckAndConsumeAsync(Invitation invitation, InvitationClaims claims, Jid? joiner, CancellationToken cancellationToken)
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
                    return Refused(reason, claims);
                default:
                    throw new InvalidOperationException($"The redemption check {check.GetType().Name} returned {reason}; a check may return only None, InviterNotAllowed or JoinerBanned.");
            }
        }

        if (_ledger is null)
        {
            // Without a ledger a use limit cannot be enforced: refuse rather than let the token through without limit.
            return claims.IsUseLimited
                ? Refused(InvitationFailureReason.LedgerUnavailable, claims)
                : new InvitationRedemptionResult(InvitationValidationResult.Success(claims));
        }

        // Computed once (a SHA-256 of the tag): the ledger and the receipt name the token by the same id.
        var tokenId = claims.TokenId;
        InvitationLedgerResult decision;
        try
        {
            var request = new InvitationLedgerRequest(tokenId, claims.Channel, claims.MaxUses, RetainUntil(claims), claims.IssuedAt, claims.Inviter, joiner, claims.CopyLimits);
            decision = await _ledger.TryConsumeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return Refused(InvitationFailureReason.LedgerUnavailable, claims);
        }

        return decision.Outcome switch
        {
            InvitationLedgerOutcome.Consumed => Admitted(claims, tokenId, decision),
            InvitationLedgerOutcome.Exhausted => Refused(InvitationFailureReason.UsesExhausted, claims),
            InvitationLedgerOutcome.Revoked => Refused(InvitationFailureReason.Revoked, claims),
            InvitationLedgerOutcome.Expired => Refused(InvitationFailureReason.Expired, claims),
            _ => throw new InvalidOperationException($"The ledger {_ledgerName} returned the undefined outcome {(int)decision.Outcome}."),
        };
    }

    /// <summary>A success, with the receipt of the use the ledger took for a use-limited token.</summary>
    private InvitationRedemptionResult Admitted(in InvitationClaims claims, InvitationTokenId tokenId, InvitationLedgerResult decision)
    {
        var useId = decision.UseId;
        if (claims.IsUseLimited != useId > 0)
        {
            throw new InvalidOperationException(claims.IsUseLimited
                ? $"The ledger {_ledgerName} consumed a use of a use-limited token without giving it an id."
                : $"The ledger {_ledgerName} gave a use id for a token without a use limit, for which nothing is counted.");
        }

        var receipt = claims.IsUseLimited ? new InvitationRedemptionReceipt(tokenId, claims.Channel, useId) : null;
        return new InvitationRedemptionResult(InvitationValidationResult.Success(claims), receipt, decision.IsRepeat);
    }

    private static InvitationRedemptionResult Refused(InvitationFailureReason reason, in InvitationClaims claims) =>
        new(InvitationValidationResult.Failure(reason, claims));

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

        _events?.Raise(new InvitationEvent(InvitationEventKind.Revoked, _time.GetUtcNow(), claims.Channel)
        {
            TokenId = claims.TokenId,
            Inviter = claims.Inviter,
            Invitee = claims.Invitee,
            Policy = claims.Policy,
        });
        return InvitationValidationResult.Success(claims);
    }

    /// <summary>Whether the tag verified and the token is still within its lifetime, whatever the joiner or policy switches say.</summary>
    private static bool IsGenuine(InvitationFailureReason reason) => reason
        is InvitationFailureReason.None
        or InvitationFailureReason.PolicyDisabled
        or InvitationFailureReason.NotYetValid
        or InvitationFailureReason.InviteeMismatch;

    /// <summary>
    /// Until when a ledger entry must be kept: until the validator stops accepting the token (expiry plus tolerance),
    /// plus the margin a redemption validated just before that may take to reach the ledger.
    /// </summary>
    private DateTimeOffset RetainUntil(in InvitationClaims claims) => claims.AcceptedUntil + _options().LedgerRetentionMargin;

    private async ValueTask<bool> RevokeIssuedBeforeCoreAsync(IInvitationLedger ledger, Jid channel, Jid? inviter, DateTimeOffset? issuedBefore, CancellationToken cancellationToken)
    {
        var cutOff = issuedBefore ?? _time.GetUtcNow();
        var options = _options();

        // No token issued before the cut-off lives past it by more than the longest lifetime, the tolerance, and the
        // margin a redemption validated just in time may take to reach the ledger.
        var retainUntil = cutOff + options.MaxLifetime + options.ExpiryTolerance + options.LedgerRetentionMargin;
        try
        {
            var bareInviter = inviter.HasValue ? inviter.GetValueOrDefault().Bare : (Jid?)null;
            await ledger.RevokeIssuedBeforeAsync(channel.Bare, bareInviter, cutOff, retainUntil, cancellationToken).ConfigureAwait(false);
            _events?.Raise(new InvitationEvent(InvitationEventKind.RevokedInBulk, _time.GetUtcNow(), channel.Bare) { Inviter = bareInviter, IssuedBefore = cutOff });
            return true;
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            _telemetry.LedgerUnavailable(_ledgerName, ex);
            return false;
        }
    }

    private static Func<MixInvitationOptions> FixedOptions(MixInvitationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LedgerRetentionMargin, TimeSpan.Zero, nameof(options));

        // A copy of what is read: the caller's instance may change afterwards, this redeemer's settings do not.
        var copy = new MixInvitationOptions
        {
            MaxLifetime = options.MaxLifetime,
            ExpiryTolerance = options.ExpiryTolerance,
            LedgerRetentionMargin = options.LedgerRetentionMargin,
        };
        return () => copy;
    }

    private IInvitationLedger RequireLedger() =>
        _ledger ?? throw new InvalidOperationException("Revocation needs a ledger: register one (AddMixInvitations registers the in-memory ledger by default) or pass one to the InvitationRedeemer constructor.");
}
