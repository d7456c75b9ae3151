using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>
/// Issues and validates stateless invitation tokens: the heart of the library.
/// </summary>
/// <remarks>
/// <para>
/// Validation is synchronous, thread-safe and, once a channel's key is cached, allocation-free. It decides in a
/// fixed order — structure, version, key, tag — and only after the tag verified looks at the policy, the time
/// window and the binding, so a forged token is never reported as expired or mis-bound.
/// </para>
/// <para>
/// With dependency injection, register it with <c>services.AddMixInvitations(…)</c>: the key ring, policies and
/// limits then follow <see cref="MixInvitationOptions"/> through <see cref="IOptionsMonitor{TOptions}"/>, so a
/// configuration change takes effect without a restart, and a change that does not build a valid key ring is logged
/// and ignored (the previous configuration stays in force). Without, use <see cref="Create"/>.
/// </para>
/// </remarks>
public sealed class InvitationService : IInvitationIssuer, IInvitationValidator
{
    private readonly ServiceStateHolder _state;
    private readonly TimeProvider _time;
    private readonly InvitationTelemetry _telemetry;
    private readonly InvitationEventDispatcher? _events;
    private readonly IssueSteps _steps;

    /// <summary>Initializes a service over a state that its owner may replace (the dependency injection layer, on reload).</summary>
    internal InvitationService(ServiceStateHolder state, TimeProvider? timeProvider, InvitationTelemetry? telemetry, IEnumerable<IInvitationIssuancePolicy>? issuancePolicies, InvitationEventDispatcher? events = null, IInvitationInventory? inventory = null)
    {
        _state = state;
        _time = timeProvider ?? TimeProvider.System;
        _telemetry = telemetry ?? InvitationTelemetry.None;
        _events = events;
        _steps = new IssueSteps(issuancePolicies, inventory, _telemetry);
    }

    /// <summary>Creates a service without dependency injection.</summary>
    /// <param name="options">The options; read once.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="customPolicies">Binding policies to register beside the built-in ones, or <see langword="null"/>.</param>
    /// <param name="channelKeyProvider">The channel key provider, or <see langword="null"/> for HKDF derivation from the ring key.</param>
    /// <param name="telemetry">Where metrics and log events go, or <see langword="null"/> for none.</param>
    /// <param name="issuancePolicies">The rules <see cref="IssueAsync"/> consults, in order, or <see langword="null"/> for none (anyone the server lets call it may issue).</param>
    /// <param name="eventSinks">Where <see cref="InvitationEventKind.Issued"/> events go, asynchronously, or <see langword="null"/> for none.</param>
    /// <param name="inventory">Where every issued invitation is recorded before it is returned (for example the <see cref="InMemoryInvitationLedger"/> the redeemer uses), or <see langword="null"/> for none.</param>
    /// <returns>The service.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>, or <paramref name="issuancePolicies"/> or <paramref name="eventSinks"/> holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a custom policy's id or name clashes with another policy's, or its id is below 128.</exception>
    /// <exception cref="OptionsValidationException">Thrown when the options break a rule; the validators and messages are the ones dependency injection runs at start, naming each field and value (never a secret).</exception>
    /// <example>
    /// <code>
    /// var options = new MixInvitationOptions();
    /// options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = secretFromYourVault });
    /// var service = InvitationService.Create(options);
    /// </code>
    /// </example>
    public static InvitationService Create(
        MixInvitationOptions options,
        TimeProvider? timeProvider = null,
        IEnumerable<IInvitationBindingPolicy>? customPolicies = null,
        IChannelKeyProvider? channelKeyProvider = null,
        InvitationTelemetry? telemetry = null,
        IEnumerable<IInvitationIssuancePolicy>? issuancePolicies = null,
        IEnumerable<IInvitationEventSink>? eventSinks = null,
        IInvitationInventory? inventory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policies = customPolicies as IReadOnlyCollection<IInvitationBindingPolicy> ?? customPolicies?.ToArray();
        MixInvitationOptionsValidation.ThrowIfInvalid(options, timeProvider, policies);
        var state = ServiceState.Create(options, PolicyRegistry.Create(policies), channelKeyProvider);
        return new InvitationService(new ServiceStateHolder(state), timeProvider, telemetry, issuancePolicies, InvitationEventDispatcher.Create(eventSinks, telemetry), inventory);
    }

    /// <summary>Fills a use-limited token's nonce; tests replace it to reproduce the documented vectors.</summary>
    internal TokenSigner.SpanAction NonceSource { get; set; } = RandomNumberGenerator.Fill;

    /// <summary>Gets the registered binding policies, built-in ones first.</summary>
    public IReadOnlyList<IInvitationBindingPolicy> Policies => _state.Current.Policies.All;

    /// <summary>Gets the time provider every clock read goes through.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets how many channel keys this node holds in its cache (for tests and diagnostics).</summary>
    internal int CachedChannelKeyCount => _state.Current.Signer.CachedKeyCount;

    /// <summary>Finds a registered policy by name.</summary>
    /// <param name="name">The policy's name, for example <c>unbound</c>.</param>
    /// <param name="policy">The policy, when found.</param>
    /// <returns><see langword="true"/> when a policy of that name is registered.</returns>
    public bool TryGetPolicy(string name, [NotNullWhen(true)] out IInvitationBindingPolicy? policy) => _state.Current.Policies.TryGet(name, out policy);

    /// <summary>Gets a value indicating whether a policy is registered and enabled by the current options.</summary>
    /// <param name="name">The policy's name.</param>
    /// <returns><see langword="true"/> when tokens of that policy are issued and accepted.</returns>
    public bool IsPolicyEnabled(string name)
    {
        var state = _state.Current;
        return state.Policies.TryGet(name, out var policy) && state.Enabled[policy.Id];
    }

    /// <summary>Drops this node's cached keys of a channel, so the next token of that channel fetches its key from the provider again.</summary>
    /// <param name="channel">The channel.</param>
    /// <remarks>Use after a custom <see cref="IChannelKeyProvider"/> changed a channel's secret (for example bumped its epoch). Other nodes pick the change up within <see cref="MixInvitationOptions.ChannelKeyCacheLifetime"/>, or when told to call this too.</remarks>
    public void InvalidateChannelKeys(Jid channel) => _state.Current.Signer.Invalidate(channel.Bare);

    /// <inheritdoc />
    public ValueTask<InvitationIssueResult> IssueAsync(InvitationIssueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = _state.Current;
        var (policy, lifetime) = IssueRules.Check(request, state);
        var now = _time.GetUtcNow();
        var key = state.Ring.SelectSigningKey(now)
            ?? throw new InvalidOperationException("No key of the ring may sign now: check the keys' ActiveFrom and SignUntil dates.");

        // Without issuance policies or an inventory (the stateless default) nothing awaits: the result is complete synchronously.
        return !_steps.Await
            ? ValueTask.FromResult(Sign(state, key, policy, request, lifetime, now))
            : DecideAndSignAsync(state, key, new InvitationIssuanceContext(request, policy, lifetime, now), cancellationToken);
    }

    /// <inheritdoc />
    public bool TryValidate(Invitation invitation, InvitationContext context, out InvitationValidationResult result)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        context.ThrowIfNoChannel(nameof(context));
        result = ValidateCore(invitation.Token, invitation.Channel, invitation.Inviter, invitation.Invitee, context);
        _telemetry.Validated(result.Reason, result.Claims.Policy, result.Claims.KeyId);
        return result.IsValid;
    }

    private async ValueTask<InvitationIssueResult> DecideAndSignAsync(ServiceState state, KeyRingEntry key, InvitationIssuanceContext context, CancellationToken cancellationToken)
    {
        var decision = await _steps.DecideAsync(context, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            return InvitationIssueResult.Refused(decision);
        }

        var token = state.Signer.CreateToken(key, context.Policy, context.Request, context.Lifetime, context.Now, NonceSource, state.ExpiryToleranceTicks, out var claims);
        decision = await _steps.RecordAsync(context, claims, state.LedgerRetentionMargin, cancellationToken).ConfigureAwait(false);
        return decision.IsAllowed ? Signed(token, context.Policy, context.Request, claims, context.Now) : InvitationIssueResult.Refused(decision);
    }

    private InvitationIssueResult Sign(ServiceState state, KeyRingEntry key, IInvitationBindingPolicy policy, InvitationIssueRequest request, TimeSpan lifetime, DateTimeOffset now)
    {
        var token = state.Signer.CreateToken(key, policy, request, lifetime, now, NonceSource, state.ExpiryToleranceTicks, out var claims);
        return Signed(token, policy, request, claims, now);
    }

    private InvitationIssueResult Signed(string token, IInvitationBindingPolicy policy, InvitationIssueRequest request, in InvitationClaims claims, DateTimeOffset now)
    {
        _telemetry.Issued(policy.Name);
        _events?.Raise(new InvitationEvent(InvitationEventKind.Issued, now, claims.Channel) { TokenId = claims.TokenId, Inviter = claims.Inviter, Invitee = claims.Invitee, Policy = policy.Name });
        return InvitationIssueResult.Success(new IssuedInvitation(new Invitation(request.Channel, token, request.Inviter, request.Invitee), claims));
    }

    private InvitationValidationResult ValidateCore(ReadOnlySpan<char> token, Jid channel, Jid? inviter, Jid? invitee, in InvitationContext context) =>
        TokenVerifier.Validate(_state.Current, _time.GetUtcNow(), token, channel, inviter, invitee, context);
}
