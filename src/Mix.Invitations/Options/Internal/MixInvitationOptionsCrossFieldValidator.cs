using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>
/// The rules of <see cref="MixInvitationOptions"/> that no single-field attribute can state: the key ring (secrets
/// decode to at least 32 bytes, ids unique, a key may sign now), lifetimes in order, policy names registered and the
/// default one enabled, the landing-link base absolute https, and every issuance rule (<see cref="IssuanceOptionsRules"/>).
/// </summary>
/// <remarks>
/// Every message names the field and the offending value, except a secret's value: for a secret only its position,
/// its key id and its length appear. The same instance serves dependency injection (registered with
/// <c>ValidateOnStart</c>) and <see cref="InvitationService.Create"/>, so both fail with the same messages.
/// </remarks>
internal sealed class MixInvitationOptionsCrossFieldValidator : IValidateOptions<MixInvitationOptions>
{
    private readonly TimeProvider _time;
    private readonly string[] _policyNames;

    /// <param name="timeProvider">The clock "a key may sign now" is judged by; <see langword="null"/> for the system clock.</param>
    /// <param name="customPolicies">Policies registered beside the built-in ones.</param>
    public MixInvitationOptionsCrossFieldValidator(TimeProvider? timeProvider, IEnumerable<IInvitationBindingPolicy>? customPolicies)
    {
        _time = timeProvider ?? TimeProvider.System;
        _policyNames = [.. BindingPolicies.BuiltIn.Concat(customPolicies ?? []).Select(p => p.Name).Distinct(StringComparer.Ordinal)];
    }

    public ValidateOptionsResult Validate(string? name, MixInvitationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        ValidateKeys(options.Keys, failures);
        ValidateLifetimes(options, failures);
        ValidatePolicies(options, failures);
        IssuanceOptionsRules.Validate(options, _policyNames, failures);
        if (options.LandingLinkBase is { } link && !(link.IsAbsoluteUri && link.Scheme == Uri.UriSchemeHttps))
        {
            failures.Add($"LandingLinkBase is '{link.OriginalString}'; it must be an absolute https URI, or unset for no landing links.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateKeys(IList<InvitationKeyOptions> keys, List<string> failures)
    {
        if (keys is null || keys.Count == 0)
        {
            failures.Add("Keys is empty: configure at least one key (an Id of 0-255 and a Secret of at least 32 random bytes, base64).");
            return;
        }

        var firstIndexById = new Dictionary<int, int>();
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (key is null)
            {
                failures.Add($"Keys[{i}] is null.");
                continue;
            }

            if (!firstIndexById.TryAdd(key.Id, i))
            {
                failures.Add($"Keys[{i}].Id is {key.Id}, already the id of Keys[{firstIndexById[key.Id]}]; key ids must be unique.");
            }

            if (KeyRing.TryDecodeSecret(key.Secret, out var secret, out var problem))
            {
                CryptographicOperations.ZeroMemory(secret);
            }
            else
            {
                failures.Add($"Keys[{i}] (id {key.Id}): Secret {problem}."); // the key ring's own wording (KeyRing.DecodeSecret)
            }

            if (key.SignUntil is { } signUntil && key.ActiveFrom is { } activeFrom && signUntil <= activeFrom)
            {
                failures.Add($"Keys[{i}].SignUntil is {Format(signUntil)}, not after its ActiveFrom {Format(activeFrom)} (key id {key.Id}).");
            }

            if (key.VerifyUntil is { } verifyUntil && key.SignUntil is { } signEnd && verifyUntil < signEnd)
            {
                failures.Add($"Keys[{i}].VerifyUntil is {Format(verifyUntil)}, before its SignUntil {Format(signEnd)} (key id {key.Id}): tokens it signs would be refused at once.");
            }
        }

        var now = _time.GetUtcNow();
        if (!keys.Any(k => k is not null && CanSign(k, now)))
        {
            var windows = string.Join("; ", keys.Select((k, i) => k is null ? null : $"Keys[{i}] (id {k.Id}) signs from {Format(k.ActiveFrom)} until {Format(k.SignUntil)}").Where(w => w is not null));
            failures.Add($"No key may sign now ({Format(now)}): {windows}. Set one key's ActiveFrom to now or earlier and its SignUntil later, or leave them unset.");
        }
    }

    private static bool CanSign(InvitationKeyOptions key, DateTimeOffset now) =>
        (key.ActiveFrom is not { } from || from <= now) && (key.SignUntil is not { } until || now < until);

    private static void ValidateLifetimes(MixInvitationOptions options, List<string> failures)
    {
        if (options.MaxLifetime < options.DefaultLifetime)
        {
            failures.Add($"MaxLifetime is {Format(options.MaxLifetime)}, below DefaultLifetime {Format(options.DefaultLifetime)}; it must be at least the default.");
        }
    }

    private void ValidatePolicies(MixInvitationOptions options, List<string> failures)
    {
        var registered = string.Join(", ", _policyNames);
        if (options.EnabledPolicies is { } enabled)
        {
            for (var i = 0; i < enabled.Count; i++)
            {
                if (!_policyNames.Contains(enabled[i], StringComparer.Ordinal))
                {
                    failures.Add($"EnabledPolicies[{i}] is '{enabled[i]}', which is not a registered binding policy (registered: {registered}).");
                }
            }
        }

        if (!_policyNames.Contains(options.DefaultPolicy, StringComparer.Ordinal))
        {
            failures.Add($"DefaultPolicy is '{options.DefaultPolicy}', which is not a registered binding policy (registered: {registered}).");
        }
        else if (options.EnabledPolicies is { } list && !list.Contains(options.DefaultPolicy, StringComparer.Ordinal))
        {
            failures.Add($"DefaultPolicy is '{options.DefaultPolicy}', which EnabledPolicies ({string.Join(", ", list)}) does not enable.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    private static string Format(DateTimeOffset? value) => value is { } v ? v.ToString("O", CultureInfo.InvariantCulture) : "(unset)";
}
