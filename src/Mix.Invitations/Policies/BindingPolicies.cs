using Mix.Invitations.Internal;

namespace Mix.Invitations;

/// <summary>The built-in binding policies and their names.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>policy</term><description>binds / who may redeem</description></listheader>
/// <item><term><c>invitee-bound</c> (id 1)</term><description>channel, inviter, invitee / only the invitee.</description></item>
/// <item><term><c>inviter-bound</c> (id 2)</term><description>channel, inviter / anyone the inviter passes it to.</description></item>
/// <item><term><c>unbound</c> (id 3)</term><description>channel / anyone holding it (a bearer token for links and QR codes).</description></item>
/// </list>
/// </remarks>
public static class BindingPolicies
{
    /// <summary>The name of the invitee-bound policy.</summary>
    public const string InviteeBoundName = "invitee-bound";

    /// <summary>The name of the inviter-bound policy.</summary>
    public const string InviterBoundName = "inviter-bound";

    /// <summary>The name of the unbound (bearer) policy.</summary>
    public const string UnboundName = "unbound";

    /// <summary>Gets the invitee-bound policy: binds channel, inviter and invitee; only the invitee may redeem. Needs an invitee.</summary>
    public static IInvitationBindingPolicy InviteeBound { get; } = new InviteeBoundPolicy();

    /// <summary>Gets the inviter-bound policy: binds channel and inviter; anyone may redeem. Needs an inviter.</summary>
    public static IInvitationBindingPolicy InviterBound { get; } = new InviterBoundPolicy();

    /// <summary>Gets the unbound policy: binds only the channel; anyone holding the token may redeem.</summary>
    public static IInvitationBindingPolicy Unbound { get; } = new UnboundPolicy();

    /// <summary>Gets the three built-in policies.</summary>
    public static IReadOnlyList<IInvitationBindingPolicy> BuiltIn { get; } = [InviteeBound, InviterBound, Unbound];

    private sealed class InviteeBoundPolicy : IInvitationBindingPolicy
    {
        public byte Id => 1;

        public string Name => InviteeBoundName;

        public InvitationBinding Binds => InvitationBinding.Channel | InvitationBinding.Inviter | InvitationBinding.Invitee;

        public void ValidateRequest(InvitationIssueRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Invitee is null)
            {
                throw Error.Request_Field(nameof(InvitationIssueRequest.Invitee), "An invitee-bound invitation needs an invitee.");
            }
        }

        public bool IsRedeemableBy(in InvitationBindingContext context) =>
            context.Joiner is { } joiner && context.Invitee is { } invitee && joiner == invitee;
    }

    private sealed class InviterBoundPolicy : IInvitationBindingPolicy
    {
        public byte Id => 2;

        public string Name => InviterBoundName;

        public InvitationBinding Binds => InvitationBinding.Channel | InvitationBinding.Inviter;

        public void ValidateRequest(InvitationIssueRequest request)
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Inviter is null)
            {
                throw Error.Request_Field(nameof(InvitationIssueRequest.Inviter), "An inviter-bound invitation needs an inviter.");
            }
        }

        public bool IsRedeemableBy(in InvitationBindingContext context) => true;
    }

    private sealed class UnboundPolicy : IInvitationBindingPolicy
    {
        public byte Id => 3;

        public string Name => UnboundName;

        public InvitationBinding Binds => InvitationBinding.Channel;

        public void ValidateRequest(InvitationIssueRequest request) => ArgumentNullException.ThrowIfNull(request);

        public bool IsRedeemableBy(in InvitationBindingContext context) => true;
    }
}
