namespace Mix.Invitations.Internal;

/// <summary>What issuing checks in a request before anything is signed; every failure names the request's field.</summary>
internal static class IssueRules
{
    /// <summary>Resolves the request's policy and lifetime under one version of the options, or throws naming the field.</summary>
    /// <exception cref="ArgumentException">Thrown when a field does not fit its policy or the configuration.</exception>
    public static (IInvitationBindingPolicy Policy, TimeSpan Lifetime) Check(InvitationIssueRequest request, ServiceState state)
    {
        if (request.Channel.IsEmpty)
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Channel), "The request must name a channel.");
        }

        var policyName = request.Policy ?? state.DefaultPolicy.Name;
        if (!state.Policies.TryGet(policyName, out var policy))
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Policy), $"Unknown binding policy '{policyName}'. Registered: {state.Policies.Names}.");
        }

        if (!state.Enabled[policy.Id])
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Policy), $"The binding policy '{policyName}' is disabled by configuration.");
        }

        if (request.Inviter is { IsEmpty: true })
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Inviter), "The inviter must be a JID or null, not default(Jid).");
        }

        if (request.Invitee is { IsEmpty: true })
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Invitee), "The invitee must be a JID or null, not default(Jid).");
        }

        policy.ValidateRequest(request);

        var lifetime = request.Lifetime ?? state.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > state.MaxLifetime)
        {
            throw Error.Request_FieldRange(nameof(InvitationIssueRequest.Lifetime), lifetime, $"The lifetime must be more than zero and at most {state.MaxLifetime}.");
        }

        if (request.MaxUses is { } uses && uses is < 1 or > ushort.MaxValue)
        {
            throw Error.Request_FieldRange(nameof(InvitationIssueRequest.MaxUses), uses, "The use limit must be between 1 and 65535, or null for none.");
        }

        if (request.Label is { } label)
        {
            CheckLabel(label);
        }

        if (request.Grants is { } grants)
        {
            CheckGrants(grants);
        }

        return (policy, lifetime);
    }

    /// <summary>Checks the grants' shape with the codec's own rules (an <see cref="ArgumentException"/> naming the grant), so nothing that fails here is written.</summary>
    private static void CheckGrants(InvitationGrants grants)
    {
        if (grants.HasUnknownGrants)
        {
            throw Error.Request_Field(nameof(InvitationIssueRequest.Grants), "Grants read from a token with kinds this edition does not define cannot be issued again.");
        }

        if (grants.Role is { } role && role is < 1 or > byte.MaxValue)
        {
            throw Error.Request_FieldRange(nameof(InvitationIssueRequest.Grants), role, "The role grant must be a server-defined id from 1 to 255.");
        }

        var token = TokenGrantsCodec.From(grants);
        if (!token.IsEmpty)
        {
            _ = TokenGrantsCodec.GetSize(token);
        }
    }

    private static void CheckLabel(string label)
    {
        if (label.Length > InvitationIssueRequest.MaxLabelLength)
        {
            throw Error.Request_FieldRange(nameof(InvitationIssueRequest.Label), label.Length, $"The label is {label.Length} characters long; at most {InvitationIssueRequest.MaxLabelLength} are kept.");
        }

        for (var i = 0; i < label.Length; i++)
        {
            var c = label[i];
            if (char.IsControl(c))
            {
                throw Error.Request_Field(nameof(InvitationIssueRequest.Label), $"The label holds a control character (U+{(int)c:X4}) at index {i}.");
            }

            if (char.IsHighSurrogate(c) && i + 1 < label.Length && char.IsLowSurrogate(label[i + 1]))
            {
                i++; // a pair: one character outside the Basic Multilingual Plane
            }
            else if (char.IsSurrogate(c))
            {
                throw Error.Request_Field(nameof(InvitationIssueRequest.Label), $"The label holds an unpaired surrogate at index {i}.");
            }
        }
    }
}
