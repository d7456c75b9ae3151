namespace Mix.Invitations.Internal;

/// <summary>
/// The binding policies a service knows: the three built-in ones first, then the server's own (ids 128–255), each id
/// and name used once. Fixed for the life of the service; which of them are enabled is a matter of the options.
/// </summary>
internal sealed class PolicyRegistry
{
    private readonly IInvitationBindingPolicy[] _all;
    private readonly IInvitationBindingPolicy?[] _byId = new IInvitationBindingPolicy?[256];

    private PolicyRegistry(IInvitationBindingPolicy[] all)
    {
        _all = all;
        foreach (var policy in all)
        {
            _byId[policy.Id] = policy;
        }
    }

    /// <summary>Gets every registered policy, built-in ones first.</summary>
    public IReadOnlyList<IInvitationBindingPolicy> All => _all;

    /// <summary>Registers the built-in policies and <paramref name="custom"/>.</summary>
    /// <exception cref="ArgumentException">Thrown when a custom policy's id is below 128, clashes with another policy's id or name, or does not bind the channel.</exception>
    public static PolicyRegistry Create(IEnumerable<IInvitationBindingPolicy>? custom)
    {
        var all = new List<IInvitationBindingPolicy>(BindingPolicies.BuiltIn);
        foreach (var policy in custom ?? [])
        {
            ArgumentNullException.ThrowIfNull(policy, nameof(custom));
            if (all.Contains(policy))
            {
                continue;
            }

            if (policy.Id < 128)
            {
                throw new ArgumentException($"Custom binding policy '{policy.Name}' has id {policy.Id}; ids below 128 are reserved for built-in policies.", nameof(custom));
            }

            if (all.Exists(p => p.Id == policy.Id || string.Equals(p.Name, policy.Name, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"Custom binding policy '{policy.Name}' (id {policy.Id}) clashes with a policy already registered.", nameof(custom));
            }

            if ((policy.Binds & InvitationBinding.Channel) == 0)
            {
                throw new ArgumentException($"Custom binding policy '{policy.Name}' must bind the channel.", nameof(custom));
            }

            all.Add(policy);
        }

        return new PolicyRegistry([.. all]);
    }

    /// <summary>Gets the policy a token's header names, or <see langword="null"/> when none is registered under that id.</summary>
    public IInvitationBindingPolicy? Find(byte id) => _byId[id];

    /// <summary>Finds a policy by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IInvitationBindingPolicy? policy)
    {
        // A loop rather than Array.Find with a lambda: the lambda captures the name, which allocated a closure and a
        // delegate on every Issue.
        foreach (var registered in _all)
        {
            if (string.Equals(registered.Name, name, StringComparison.Ordinal))
            {
                policy = registered;
                return true;
            }
        }

        policy = null;
        return false;
    }

    /// <summary>Gets the policy a setting names, or throws naming the setting.</summary>
    /// <exception cref="InvalidOperationException">Thrown when no policy of that name is registered.</exception>
    public IInvitationBindingPolicy Require(string name, string setting) =>
        TryGet(name, out var policy) ? policy : throw new InvalidOperationException($"MixInvitations:{setting} names unknown policy '{name}'.");

    /// <summary>Gets which policy ids the options enable: every registered policy when <paramref name="enabledNames"/> is <see langword="null"/>.</summary>
    /// <exception cref="InvalidOperationException">Thrown when a name is not registered.</exception>
    public bool[] Enabled(IEnumerable<string>? enabledNames)
    {
        var enabled = new bool[256];
        foreach (var policy in enabledNames is null ? _all : enabledNames.Select(name => Require(name, "EnabledPolicies")))
        {
            enabled[policy.Id] = true;
        }

        return enabled;
    }

    /// <summary>Gets the registered names, for error messages.</summary>
    public string Names => string.Join(", ", _all.Select(p => p.Name));
}
