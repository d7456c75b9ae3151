namespace Mix.Invitations;

/// <summary>What an <see cref="IInvitationIssuancePolicy"/> decides on: the request, with what issuing resolved from it.</summary>
/// <remarks>A value passed to pluggable code; fields may be added later, so build it with its constructor.</remarks>
public readonly struct InvitationIssuanceContext
{
    /// <summary>Initializes a new context.</summary>
    /// <param name="request">The request, with its JIDs and the inviter's role.</param>
    /// <param name="policy">The binding policy the request resolved to (its own, or the configured default).</param>
    /// <param name="lifetime">The lifetime the request resolved to (its own, or the configured default).</param>
    /// <param name="now">The instant of the issue, from the service's clock.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="request"/> or <paramref name="policy"/> is <see langword="null"/>.</exception>
    public InvitationIssuanceContext(InvitationIssueRequest request, IInvitationBindingPolicy policy, TimeSpan lifetime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        Request = request;
        Policy = policy;
        Lifetime = lifetime;
        Now = now;
    }

    /// <summary>Gets the request.</summary>
    public InvitationIssueRequest Request { get; }

    /// <summary>Gets the binding policy the invitation would have.</summary>
    public IInvitationBindingPolicy Policy { get; }

    /// <summary>Gets the lifetime the invitation would have.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Gets the instant of the issue.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Gets the inviter's role: the request's, or <see cref="InvitationRoles.Other"/> when it names none.</summary>
    public string InviterRole => Request.InviterRole ?? InvitationRoles.Other;
}
