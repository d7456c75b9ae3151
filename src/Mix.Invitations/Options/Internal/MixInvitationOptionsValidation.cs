using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>Runs both validators the way the options factory does, for the path without dependency injection.</summary>
internal static class MixInvitationOptionsValidation
{
    private static readonly MixInvitationOptionsValidator Ranges = new();

    /// <summary>Validates the options and throws the exception dependency injection would throw at start.</summary>
    /// <exception cref="OptionsValidationException">Thrown when a rule fails; the message lists every failure.</exception>
    internal static void ThrowIfInvalid(MixInvitationOptions options, TimeProvider? timeProvider, IEnumerable<IInvitationBindingPolicy>? customPolicies)
    {
        var failures = new List<string>();
        foreach (var result in (ReadOnlySpan<ValidateOptionsResult>)[
            Ranges.Validate(Options.DefaultName, options),
            new MixInvitationOptionsCrossFieldValidator(timeProvider, customPolicies).Validate(Options.DefaultName, options)])
        {
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MixInvitationOptions), failures);
        }
    }
}
