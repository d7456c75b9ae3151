using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>
/// Registered by <c>AddIssuanceRules</c>: a cap on outstanding bearer uses needs a store that keeps use reservations,
/// so a cap without one fails at start-up (and a reload that sets one is ignored), naming the setting.
/// </summary>
/// <param name="hasReservations">Whether the container holds a reservations store; asked only when the cap is set.</param>
internal sealed class IssuanceReservationsValidator(Func<bool> hasReservations) : IValidateOptions<MixInvitationOptions>
{
    public ValidateOptionsResult Validate(string? name, MixInvitationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        return options.Issuance.MaxOutstandingBearerUses is { } cap && !hasReservations()
            ? ValidateOptionsResult.Fail(InvitationIssuanceRules.MissingReservationsMessage(cap))
            : ValidateOptionsResult.Success;
    }
}
