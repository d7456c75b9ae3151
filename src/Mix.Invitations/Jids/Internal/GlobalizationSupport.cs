using System.Text;

namespace Mix.Invitations.Internal;

/// <summary>Detects invariant globalization mode, where normalisation and IDNA mapping silently do nothing.</summary>
internal static class GlobalizationSupport
{
    /// <summary>
    /// Gets a value indicating whether Unicode normalisation is unavailable. Probed by behaviour rather than by
    /// reading the switch, so it also catches a process whose ICU could not be loaded.
    /// </summary>
    internal static bool IsInvariant { get; } = Probe();

    private static bool Probe()
    {
        if (AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant)
        {
            return true;
        }

        try
        {
            // "é" decomposes to two code points under NFD whenever normalisation really runs.
            return "\u00E9".Normalize(NormalizationForm.FormD).Length != 2;
        }
        catch (PlatformNotSupportedException)
        {
            return true;
        }
    }
}
