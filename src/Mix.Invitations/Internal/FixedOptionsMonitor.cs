using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>An options monitor over one fixed value, for the path without dependency injection.</summary>
internal sealed class FixedOptionsMonitor(MixInvitationOptions value) : IOptionsMonitor<MixInvitationOptions>
{
    public MixInvitationOptions CurrentValue => value;

    public MixInvitationOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<MixInvitationOptions, string?> listener) => null;
}
