using Microsoft.Extensions.Options;

namespace Mix.Invitations.Internal;

/// <summary>
/// The options factory <c>AddMixInvitations</c> registers: the standard <see cref="OptionsFactory{TOptions}"/>, with two
/// things added around it. A value the configuration binder cannot convert surfaces without the value, and a rebuild
/// that fails (a configuration reload the validators refuse) is logged as event 6, <c>KeyRingReloadFailed</c>.
/// </summary>
/// <remarks>
/// <para>
/// The binder's message quotes the value whole, and its inner exception quotes it again: a secret pasted into the
/// wrong field (<c>Keys:0:Id</c> instead of <c>Keys:0:Secret</c>) would reach the start-up crash report and the reload
/// log. Every <see cref="InvalidOperationException"/> from building the options is replaced by
/// <see cref="ConfigurationBindingError.Describe"/>'s message, with no inner exception. The binder runs inside the
/// factory (its configure step), so this is the one place both start-up and reload pass through.
/// </para>
/// <para>
/// Registered transient, as the standard factory is, so every consumer holds its own instance. The options monitor
/// builds the default options once when first read and again only when a change token fired (or its cache was
/// cleared); a build that throws stays cached in the monitor until the next change, so its factory sees each failed
/// reload exactly once. The first build of an instance is start-up (or an <c>IOptions</c>/<c>IOptionsSnapshot</c>
/// read, which builds once per instance): its failure is the caller's exception and is not logged. Every later build
/// is a reload, and its failure is logged here, because the monitor throws before its listeners run and the service
/// never hears of it.
/// </para>
/// </remarks>
internal sealed class MixInvitationOptionsFactory(OptionsFactory<MixInvitationOptions> inner, InvitationTelemetry telemetry) : IOptionsFactory<MixInvitationOptions>
{
    private int _builds;

    public MixInvitationOptions Create(string name)
    {
        var isDefault = name == Microsoft.Extensions.Options.Options.DefaultName;
        var isReload = isDefault && Interlocked.Increment(ref _builds) > 1;
        try
        {
            return inner.Create(name);
        }
        catch (OptionsValidationException ex) when (isReload)
        {
            // The validators' messages name each field and value, never a secret.
            telemetry.KeyRingReloadFailed(ex.Message);
            throw;
        }
        catch (InvalidOperationException ex)
        {
            var redacted = new InvalidOperationException(ConfigurationBindingError.Describe(ex.Message));
            if (isReload)
            {
                telemetry.KeyRingReloadFailed(redacted.Message);
            }

            throw redacted;
        }
    }
}
