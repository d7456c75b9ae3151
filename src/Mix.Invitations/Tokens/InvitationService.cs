using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
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
/// The key ring, policies and limits come from <see cref="MixInvitationOptions"/> through
/// <see cref="IOptionsMonitor{TOptions}"/>: a configuration change takes effect without a restart. A change that
/// does not build a valid key ring is ignored and the previous configuration stays in force.
/// </para>
/// <para>With dependency injection, register it with <c>services.AddMixInvitations(…)</c>; without, use <see cref="Create"/>.</para>
/// </remarks>
public sealed partial class InvitationService : IInvitationIssuer, IInvitationValidator, IDisposable
{
    private readonly TimeProvider _time;
    private readonly IChannelKeyProvider _keyProvider;
    private readonly PolicyRegistry _policies;
    private readonly IDisposable? _optionsSubscription;
    private readonly InvitationTelemetry _telemetry;
    private volatile ServiceState _state;

    /// <summary>Initializes a new service; the constructor dependency injection uses.</summary>
    /// <param name="options">The options, monitored for changes.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="customPolicies">Binding policies to register beside the three built-in ones, or <see langword="null"/>.</param>
    /// <param name="channelKeyProvider">The channel key provider, or <see langword="null"/> for HKDF derivation from the ring key.</param>
    /// <param name="telemetry">Where metrics and log events go, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a custom policy's id or name clashes with another policy's, or its id is below 128.</exception>
    /// <exception cref="InvalidOperationException">Thrown when the options do not build a valid key ring or policy set; the message names the field and never the secret.</exception>
    public InvitationService(
        IOptionsMonitor<MixInvitationOptions> options,
        TimeProvider? timeProvider = null,
        IEnumerable<IInvitationBindingPolicy>? customPolicies = null,
        IChannelKeyProvider? channelKeyProvider = null,
        InvitationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _keyProvider = channelKeyProvider ?? DerivedChannelKeyProvider.Instance;
        _policies = PolicyRegistry.Create(customPolicies);
        _telemetry = telemetry ?? InvitationTelemetry.None;
        _state = ServiceState.Create(options.CurrentValue, _policies, _keyProvider);
        _optionsSubscription = options.OnChange(OnOptionsChanged);
    }

    /// <summary>Creates a service without dependency injection.</summary>
    /// <param name="options">The options; read once (use the constructor with an <see cref="IOptionsMonitor{TOptions}"/> for live reload).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="customPolicies">Binding policies to register beside the built-in ones, or <see langword="null"/>.</param>
    /// <param name="channelKeyProvider">The channel key provider, or <see langword="null"/> for HKDF derivation from the ring key.</param>
    /// <param name="telemetry">Where metrics and log events go, or <see langword="null"/> for none.</param>
    /// <returns>The service.</returns>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when a custom policy's id or name clashes with another policy's, or its id is below 128.</exception>
    /// <exception cref="OptionsValidationException">Thrown when the options break a rule; the validators and messages are the ones dependency injection runs at start, naming each field and value (never a secret).</exception>
    /// <example>
    /// <code>
    /// var options = new MixInvitationOptions();
    /// options.Keys.Add(new InvitationKeyOptions { Id = 1, Secret = secretFromYourVault });
    /// using var service = InvitationService.Create(options);
    /// </code>
    /// </example>
    public static InvitationService Create(
        MixInvitationOptions options,
        TimeProvider? timeProvider = null,
        IEnumerable<IInvitationBindingPolicy>? customPolicies = null,
        IChannelKeyProvider? channelKeyProvider = null,
        InvitationTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policies = customPolicies as IReadOnlyCollection<IInvitationBindingPolicy> ?? customPolicies?.ToArray();
        MixInvitationOptionsValidation.ThrowIfInvalid(options, timeProvider, policies);
        return new InvitationService(new FixedOptionsMonitor(options), timeProvider, policies, channelKeyProvider, telemetry);
    }

    /// <summary>Fills a use-limited token's nonce; tests replace it to reproduce the documented vectors.</summary>
    internal SpanAction NonceSource { get; set; } = RandomNumberGenerator.Fill;

    /// <summary>Fills a span.</summary>
    internal delegate void SpanAction(Span<byte> destination);

    /// <summary>Gets the registered binding policies, built-in ones first.</summary>
    public IReadOnlyList<IInvitationBindingPolicy> Policies => _policies.All;

    /// <summary>Gets the time provider every clock read goes through.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>Gets the landing-link base from the current options, or <see langword="null"/>.</summary>
    public Uri? LandingLinkBase => _state.LandingLinkBase;

    /// <summary>Gets the maximum XML input size from the current options, for the invitation readers.</summary>
    public int MaxXmlInputSize => _state.MaxXmlInputSize;

    /// <summary>Gets the expiry tolerance from the current options: how long after its expiry a token is still accepted.</summary>
    internal TimeSpan ExpiryTolerance => TimeSpan.FromTicks(_state.ExpiryToleranceTicks);

    /// <summary>Gets the ledger retention margin from the current options: how long past expiry plus tolerance a ledger keeps an entry.</summary>
    internal TimeSpan LedgerRetentionMargin => _state.LedgerRetentionMargin;

    /// <summary>Finds a registered policy by name.</summary>
    /// <param name="name">The policy's name, for example <c>unbound</c>.</param>
    /// <param name="policy">The policy, when found.</param>
    /// <returns><see langword="true"/> when a policy of that name is registered.</returns>
    public bool TryGetPolicy(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IInvitationBindingPolicy? policy) => _policies.TryGet(name, out policy);

    /// <summary>Gets a value indicating whether a policy is registered and enabled by the current options.</summary>
    /// <param name="name">The policy's name.</param>
    /// <returns><see langword="true"/> when tokens of that policy are issued and accepted.</returns>
    public bool IsPolicyEnabled(string name) => TryGetPolicy(name, out var policy) && _state.Enabled[policy.Id];

    /// <summary>Drops this node's cached keys of a channel, so the next token of that channel fetches its key from the provider again.</summary>
    /// <param name="channel">The channel.</param>
    /// <remarks>Use after a custom <see cref="IChannelKeyProvider"/> changed a channel's secret (for example bumped its epoch). Other nodes pick the change up within <see cref="MixInvitationOptions.ChannelKeyCacheLifetime"/>, or when told to call this too.</remarks>
    public void InvalidateChannelKeys(Jid channel) => _state.Signer.Invalidate(channel.Bare);

    /// <summary>Gets how many channel keys this node holds in its cache (for tests and diagnostics).</summary>
    internal int CachedChannelKeyCount => _state.Signer.CachedKeyCount;

    /// <inheritdoc />
    public Invitation Issue(InvitationRequest request)
    {
        var token = IssueToken(request);
        return new Invitation(request.Channel, token, request.Inviter, request.Invitee);
    }

    /// <inheritdoc />
    public string IssueToken(InvitationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = IssueCore(request, _state, out var policy);
        _telemetry.Issued(policy.Name);
        return token;
    }

    /// <inheritdoc />
    public InvitationValidationResult TryValidate(Invitation invitation, InvitationContext context)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        context.ThrowIfNoChannel(nameof(context));
        var result = ValidateCore(invitation.Token, invitation.Channel, invitation.Inviter, invitation.Invitee, context);
        _telemetry.Validated(result);
        return result;
    }

    /// <inheritdoc />
    public InvitationValidationResult TryValidateToken(string token, InvitationContext context)
    {
        ArgumentNullException.ThrowIfNull(token);
        context.ThrowIfNoChannel(nameof(context));
        var result = ValidateCore(token, context.Channel, null, null, context);
        _telemetry.Validated(result);
        return result;
    }

    /// <summary>Stops watching the options for changes.</summary>
    public void Dispose() => _optionsSubscription?.Dispose();

    [SkipLocalsInit] // the nonce and token buffers are written before they are read
    private string IssueCore(InvitationRequest request, ServiceState state, out IInvitationBindingPolicy policy)
    {
        if (request.Channel.IsEmpty)
        {
            throw Error.Request_Field(nameof(InvitationRequest.Channel), "The request must name a channel.");
        }

        var policyName = request.Policy ?? state.DefaultPolicy.Name;
        if (!_policies.TryGet(policyName, out var found))
        {
            throw Error.Request_Field(nameof(InvitationRequest.Policy), $"Unknown binding policy '{policyName}'. Registered: {_policies.Names}.");
        }

        policy = found;
        if (!state.Enabled[policy.Id])
        {
            throw Error.Request_Field(nameof(InvitationRequest.Policy), $"The binding policy '{policyName}' is disabled by configuration.");
        }

        if (request.Inviter is { IsEmpty: true })
        {
            throw Error.Request_Field(nameof(InvitationRequest.Inviter), "The inviter must be a JID or null, not default(Jid).");
        }

        if (request.Invitee is { IsEmpty: true })
        {
            throw Error.Request_Field(nameof(InvitationRequest.Invitee), "The invitee must be a JID or null, not default(Jid).");
        }

        policy.ValidateRequest(request);

        var lifetime = request.Lifetime ?? state.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > state.MaxLifetime)
        {
            throw Error.Request_FieldRange(nameof(InvitationRequest.Lifetime), lifetime, $"The lifetime must be more than zero and at most {state.MaxLifetime}.");
        }

        if (request.MaxUses is { } uses && uses is < 1 or > ushort.MaxValue)
        {
            throw Error.Request_FieldRange(nameof(InvitationRequest.MaxUses), uses, "The use limit must be between 1 and 65535, or null for none.");
        }

        var now = _time.GetUtcNow();
        var key = state.Ring.SelectSigningKey(now)
            ?? throw new InvalidOperationException("No key of the ring may sign now: check the keys' ActiveFrom and SignUntil dates.");

        var issuedAt = now.ToUnixTimeSeconds();
        var expiresAt = issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds);
        if (issuedAt < 0 || expiresAt > uint.MaxValue)
        {
            throw new InvalidOperationException("The clock is outside the range token format v1 can express (1970 to 2106).");
        }

        var header = new TokenHeader
        {
            PolicyId = policy.Id,
            KeyId = (byte)key.Id,
            IssuedAt = (uint)issuedAt,
            ExpiresAt = (uint)expiresAt,
            IsUseLimited = request.MaxUses is not null,
            MaxUses = (ushort)(request.MaxUses ?? 0),
        };
        if (header.IsUseLimited)
        {
            Span<byte> nonce = stackalloc byte[8];
            NonceSource(nonce);
            header.Nonce = BinaryPrimitives.ReadUInt64BigEndian(nonce);
        }

        Span<byte> tokenBytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        var headerSize = header.Size;
        TokenCodec.WriteHeader(header, tokenBytes);
        state.Signer.ComputeTag(key, policy.Binds, request.Channel, request.Inviter, request.Invitee, tokenBytes[..headerSize], now, tokenBytes.Slice(headerSize, TokenCodec.TagSize));
        return Base64Url.EncodeToString(tokenBytes[..(headerSize + TokenCodec.TagSize)]);
    }

    [SkipLocalsInit] // bytes and expected are written (decode, MAC) before any read: see docs/benchmarks.md
    private InvitationValidationResult ValidateCore(ReadOnlySpan<char> token, Jid channel, Jid? inviter, Jid? invitee, in InvitationContext context)
    {
        Span<byte> bytes = stackalloc byte[TokenCodec.MaxTokenBytes];
        var structure = TokenCodec.TryDecode(token, bytes, out var header);
        if (structure != InvitationFailureReason.None)
        {
            return InvitationValidationResult.Failure(structure);
        }

        var state = _state;
        var policy = _policies.Find(header.PolicyId);
        if (policy is null)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.Malformed);
        }

        var now = _time.GetUtcNow();
        var key = state.Ring.Find(header.KeyId);
        if (key is null || !key.CanVerify(now))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.UnknownKey);
        }

        var headerSize = header.Size;
        Span<byte> expected = stackalloc byte[TokenCodec.TagSize];
        state.Signer.ComputeTag(key, policy.Binds, channel, inviter, invitee, bytes[..headerSize], now, expected);
        var tag = bytes.Slice(headerSize, TokenCodec.TagSize);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.BadSignature);
        }

        // From here on the header and the bound fields are authentic.
        var claims = new InvitationClaims(
            policy.Name,
            policy.Id,
            key.Id,
            DateTimeOffset.FromUnixTimeSeconds(header.IssuedAt),
            DateTimeOffset.FromUnixTimeSeconds(header.ExpiresAt),
            header.MaxUses,
            tag,
            channel.Bare);

        if (!state.Enabled[policy.Id])
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.PolicyDisabled, claims);
        }

        // Every limit issuing enforces is enforced again here: a token that another node issued under a longer
        // MaxLifetime, or that a key holder minted with any instants, lives no longer than this node allows.
        if (header.ExpiresAt - header.IssuedAt > state.MaxLifetimeSeconds)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.LifetimeTooLong, claims);
        }

        var nowTicks = now.UtcTicks;
        if (nowTicks < claims.IssuedAt.UtcTicks - state.IssuedAtToleranceTicks)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.NotYetValid, claims);
        }

        if (nowTicks >= claims.ExpiresAt.UtcTicks + state.ExpiryToleranceTicks)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.Expired, claims);
        }

        if (context.Channel != claims.Channel)
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.ChannelMismatch, claims);
        }

        if (!policy.IsRedeemableBy(new InvitationBindingContext(claims.Channel, inviter, invitee, context.Joiner)))
        {
            return InvitationValidationResult.Failure(InvitationFailureReason.InviteeMismatch, claims);
        }

        return InvitationValidationResult.Success(claims);
    }

    private void OnOptionsChanged(MixInvitationOptions options, string? name)
    {
        if (!IsDefaultOptions(name))
        {
            return;
        }

        try
        {
            _state = ServiceState.Create(options, _policies, _keyProvider);
            _telemetry.KeyRingReloaded(_state.Ring.All.Count);
        }
        catch (InvalidOperationException ex)
        {
            // Keep serving with the previous configuration rather than fail every join.
            _telemetry.KeyRingReloadFailed(ex.Message);
        }
    }

    /// <summary>Whether a named options instance is the one the service uses: the default (unnamed) one.</summary>
    private static bool IsDefaultOptions(string? name) => name is null || name == Microsoft.Extensions.Options.Options.DefaultName;

    private sealed class DerivedChannelKeyProvider : IChannelKeyProvider
    {
        public static DerivedChannelKeyProvider Instance { get; } = new();

        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination) => context.DeriveDefault(destination);
    }
}
