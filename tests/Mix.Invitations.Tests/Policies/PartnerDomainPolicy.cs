namespace Mix.Invitations.Tests.Policies;

/// <summary>A server's own policy, as the docs describe: anyone at a partner domain may redeem; binds channel and inviter.</summary>
internal sealed class PartnerDomainPolicy(string domain, byte id = 200) : IInvitationBindingPolicy
{
    public byte Id => id;

    public string Name => "partner-domain:" + domain;

    public InvitationBinding Binds => InvitationBinding.Channel | InvitationBinding.Inviter;

    public void ValidateRequest(InvitationIssueRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inviter is null)
        {
#pragma warning disable CA2208 // The contract names the request's field, as the built-in policies do.
            throw new ArgumentException("A partner-domain invitation needs an inviter.", nameof(InvitationIssueRequest.Inviter));
#pragma warning restore CA2208
        }
    }

    public bool IsRedeemableBy(in InvitationBindingContext context) =>
        context.Joiner is { } joiner && string.Equals(joiner.Domain, domain, StringComparison.Ordinal);
}
