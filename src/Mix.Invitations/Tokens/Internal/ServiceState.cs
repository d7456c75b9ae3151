namespace Mix.Invitations.Internal;

/// <summary>Everything the service derives from one version of the options; swapped whole when they change.</summary>
internal sealed class ServiceState
{
    private ServiceState(MixInvitationOptions options, KeyRing ring, PolicyRegistry policies, IChannelKeyProvider keyProvider)
    {
        Ring = ring;
        Policies = policies;
        Enabled = policies.Enabled(options.EnabledPolicies);
        DefaultPolicy = policies.Require(options.DefaultPolicy, nameof(MixInvitationOptions.DefaultPolicy));
        DefaultLifetime = options.DefaultLifetime;
        MaxLifetime = options.MaxLifetime;
        MaxLifetimeSeconds = (uint)Math.Min(uint.MaxValue, Math.Ceiling(options.MaxLifetime.TotalSeconds));
        ExpiryToleranceTicks = options.ExpiryTolerance.Ticks;
        IssuedAtToleranceTicks = options.IssuedAtTolerance.Ticks;
        LedgerRetentionMargin = options.LedgerRetentionMargin;
        IgnoreUnknownGrants = options.IgnoreUnknownGrants;
        Signer = new TokenSigner(options, keyProvider);
    }

    public KeyRing Ring { get; }

    /// <summary>The registered policies; the same registry in every version of the state (policies are registered once, not configured).</summary>
    public PolicyRegistry Policies { get; }

    /// <summary>Which policy ids are enabled, indexed by id.</summary>
    public bool[] Enabled { get; }

    public IInvitationBindingPolicy DefaultPolicy { get; }

    public TimeSpan DefaultLifetime { get; }

    public TimeSpan MaxLifetime { get; }

    /// <summary>The longest lifetime a token may have, in whole seconds: what issuing can write for <see cref="MaxLifetime"/> (rounded up, as issuing rounds a lifetime up).</summary>
    public uint MaxLifetimeSeconds { get; }

    public long ExpiryToleranceTicks { get; }

    public long IssuedAtToleranceTicks { get; }

    /// <summary>How long past a token's acceptance the ledger and the inventory keep what they know of it.</summary>
    public TimeSpan LedgerRetentionMargin { get; }

    public TokenSigner Signer { get; }

    public bool IgnoreUnknownGrants { get; }

    /// <summary>Builds the state of one version of the options.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the options do not build a key ring or name an unknown policy; the message names the setting, never a secret.</exception>
    public static ServiceState Create(MixInvitationOptions options, PolicyRegistry policies, IChannelKeyProvider? keyProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ring = KeyRingOptions.Build(options.Keys);
        if (ring.All.Count == 0)
        {
            throw new InvalidOperationException("MixInvitations:Keys is empty: configure at least one key.");
        }

        return new ServiceState(options, ring, policies, keyProvider ?? DerivedChannelKeyProvider.Instance);
    }

    /// <summary>The default channel keys: HKDF from the ring key.</summary>
    private sealed class DerivedChannelKeyProvider : IChannelKeyProvider
    {
        public static DerivedChannelKeyProvider Instance { get; } = new();

        public int GetChannelKey(in ChannelKeyContext context, Span<byte> destination) => context.DeriveDefault(destination);
    }
}
