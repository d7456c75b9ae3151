namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddMixInvitations</c>, so further parts (a ledger, custom policies) chain onto the registration.</summary>
public interface IMixInvitationsBuilder
{
    /// <summary>Gets the service collection the library is registered in.</summary>
    IServiceCollection Services { get; }
}
