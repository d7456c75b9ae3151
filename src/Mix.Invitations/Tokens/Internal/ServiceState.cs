namespace Mix.Invitations.Internal;

/// <summary>Everything the service derives from one version of the options; swapped atomically when they change.</summary>
internal sealed class ServiceState
{
    private ServiceState(MixInvitationOptions options, KeyRing ring, PolicyRegistry policies, IChannelKeyProvider keyProvider)
    {
        Ring = ring;
        Enabled = policies.Enabled(options.EnabledPolicies);
        DefaultPolicy = policies.Require(options.DefaultPolicy, nameof(MixInvitationOptions.DefaultPolicy));
        DefaultLifetime = options.DefaultLifetime;
        MaxLifetime = options.MaxLifetime;
        MaxLifetimeSeconds = (uint)Math.Min(uint.MaxValue, Math.Ceiling(options.MaxLifetime.TotalSeconds));
        ExpiryToleranceTicks = options.ExpiryTolerance.Ticks;
        LedgerRetentionMargin = options.LedgerRetentionMargin;
        IssuedAtToleranceTicks = options.IssuedAtTolerance.Ticks;
        LandingLinkBase = options.LandingLinkBase;
        MaxXmlInputSize = options.MaxXmlInputSize;
        Signer = new TokenSigner(options, keyProvider);
    }

    public KeyRing Ring { get; }

    /// <summary>Which policy ids are enabled, indexed by id.</summary>
    public bool[] Enabled { get; }

    public IInvitationBindingPolicy DefaultPolicy { get; }

    public TimeSpan DefaultLifetime { get; }

    public TimeSpan MaxLifetime { get; }

    /// <summary>The longest lifetime a token may have, in whole seconds: what issuing can write for <see cref="MaxLifetime"/> (rounded up, as issuing rounds a lifetime up).</summary>
    public uint MaxLifetimeSeconds { get; }

    public long ExpiryToleranceTicks { get; }

    public TimeSpan LedgerRetentionMargin { get; }

    public long IssuedAtToleranceTicks { get; }

    public Uri? LandingLinkBase { get; }

    public int MaxXmlInputSize { get; }

    public TokenSigner Signer { get; }

    /// <summary>Builds the state of one version of the options.</summary>
    /// <exception cref="InvalidOperationException">Thrown when the options do not build a key ring or name an unknown policy; the message names the setting, never a secret.</exception>
    public static ServiceState Create(MixInvitationOptions options, PolicyRegistry policies, IChannelKeyProvider keyProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ring = KeyRing.Create(options.Keys);
        if (ring.All.Count == 0)
        {
            throw new InvalidOperationException("MixInvitations:Keys is empty: configure at least one key.");
        }

        return new ServiceState(options, ring, policies, keyProvider);
    }
}
