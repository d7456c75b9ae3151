namespace Mix.Invitations.Tests;

/// <summary>A custom binding policy, as a server would register with AddBindingPolicy: anyone at one domain may redeem.</summary>
internal sealed class PartnerDomainPolicy(string domain) : IInvitationBindingPolicy
{
    public const string PolicyName = "partner-domain";

    public byte Id => 200;

    public string Name => PolicyName;

    public InvitationBinding Binds => InvitationBinding.Channel;

    public void ValidateRequest(InvitationRequest request)
    {
    }

    public bool IsRedeemableBy(in InvitationBindingContext context) =>
        context.Joiner is { } joiner && string.Equals(joiner.Domain, domain, StringComparison.Ordinal);
}
