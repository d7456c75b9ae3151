using System.Globalization;

namespace Mix.Invitations.Internal;

/// <summary>
/// The rules of <see cref="MixInvitationOptions.Issuance"/>, run by <see cref="MixInvitationOptionsCrossFieldValidator"/>
/// (so at start-up, on every reload and in <c>InvitationService.Create</c>). Messages name each field by its
/// configuration path below <c>MixInvitations</c> (<c>Issuance:Roles:participant:MaxUses</c>), which is what an
/// operator edits.
/// </summary>
/// <remarks>
/// Written by hand rather than with <c>[OptionRange]</c> and the source-generated validator: that validator cannot
/// reach the values of the <see cref="InvitationIssuanceOptions.Roles"/> dictionary, a role's policies depend on the
/// registered ones,
/// and one place gives every issuance field the same path form.
/// </remarks>
internal static class IssuanceOptionsRules
{
    public const int MaxPermitLimit = 1_000_000;
    public const int MaxUses = 65_535;
    public const int MaxOutstandingBearerUses = 10_000_000;
    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinLifetime = TimeSpan.FromSeconds(1);

    /// <summary>The range of <see cref="MixInvitationOptions.MaxLifetime"/> itself.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(3650);

    public static void Validate(MixInvitationOptions options, IReadOnlyCollection<string> policyNames, List<string> failures)
    {
        var issuance = options.Issuance;
        if (issuance is null)
        {
            return;
        }

        if (issuance.ExemptRoles is { } exempt)
        {
            for (var i = 0; i < exempt.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(exempt[i]))
                {
                    failures.Add($"Issuance:ExemptRoles:{i} is empty; a role name must not be.");
                }
            }
        }

        foreach (var (name, role) in issuance.Roles.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                failures.Add($"Issuance:Roles has a role named '{name}'; a role name must not be empty.");
                continue;
            }

            var path = "Issuance:Roles:" + name;
            if (role is null)
            {
                failures.Add($"{path} is null; remove the entry, or give it rules.");
                continue;
            }

            ValidateRole(path, role, policyNames, failures);
        }

        ValidateRate("Issuance:ChannelRate", issuance.ChannelRate, failures);
        if (issuance.MaxOutstandingBearerUses is { } cap && cap is < 1 or > MaxOutstandingBearerUses)
        {
            failures.Add($"Issuance:MaxOutstandingBearerUses is {Format(cap)}; it must be between 1 and {Format(MaxOutstandingBearerUses)}, or unset for no cap.");
        }
    }

    private static void ValidateRole(string path, InvitationRoleOptions role, IReadOnlyCollection<string> policyNames, List<string> failures)
    {
        if (role.AllowedPolicies is { } allowed)
        {
            for (var i = 0; i < allowed.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(allowed[i]))
                {
                    failures.Add($"{path}:AllowedPolicies:{i} is empty; it must name a binding policy.");
                }
                else if (!policyNames.Contains(allowed[i], StringComparer.Ordinal))
                {
                    failures.Add($"{path}:AllowedPolicies:{i} is '{allowed[i]}', which is not a registered binding policy (registered: {string.Join(", ", policyNames)}).");
                }
            }
        }

        // Not bounded by the service's MaxLifetime: a server that shortens that (below the participant's default of
        // 7 days, say) must not fail to start for a role cap it never set; the shorter of the two applies.
        if (role.MaxLifetime is { } lifetime && (lifetime < MinLifetime || lifetime > MaxLifetime))
        {
            failures.Add($"{path}:MaxLifetime is {Format(lifetime)}; it must be between {Format(MinLifetime)} and {Format(MaxLifetime)}, or unset for MaxLifetime.");
        }

        if (role.MaxUses is { } uses && uses is < 1 or > MaxUses)
        {
            failures.Add($"{path}:MaxUses is {Format(uses)}; it must be between 1 and {Format(MaxUses)}, or unset for any.");
        }

        ValidateRate(path + ":InviterRate", role.InviterRate, failures);
    }

    private static void ValidateRate(string path, InvitationRateLimitOptions? rate, List<string> failures)
    {
        if (rate is null)
        {
            return;
        }

        if (rate.PermitLimit is < 1 or > MaxPermitLimit)
        {
            failures.Add($"{path}:PermitLimit is {Format(rate.PermitLimit)}; it must be between 1 and {Format(MaxPermitLimit)}.");
        }

        if (rate.Window < MinWindow || rate.Window > MaxWindow)
        {
            failures.Add($"{path}:Window is {Format(rate.Window)}; it must be between {Format(MinWindow)} and {Format(MaxWindow)}.");
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
