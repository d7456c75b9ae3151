using System.Globalization;

namespace Mix.Invitations.Sample;

/// <summary>Reads lifetimes as people write them: <c>30s</c>, <c>15m</c>, <c>12h</c>, <c>7d</c>, <c>2w</c>, or a TimeSpan (<c>1.12:00:00</c>).</summary>
internal static class Lifetime
{
    public static bool TryParse(string text, out TimeSpan lifetime)
    {
        lifetime = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && char.IsAsciiLetter(trimmed[^1]))
        {
            var unit = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => TimeSpan.Zero,
            };
            if (unit == TimeSpan.Zero
                || !int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count > TimeSpan.MaxValue.Ticks / unit.Ticks)
            {
                return false;
            }

            lifetime = unit * count;
            return lifetime > TimeSpan.Zero;
        }

        // A TimeSpan must show its colons: a bare "7" could mean seconds or days, so it is refused rather than guessed.
        return trimmed.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out lifetime)
            && lifetime > TimeSpan.Zero;
    }

    /// <summary>Writes a lifetime back the short way when it is a whole number of a unit.</summary>
    public static string Format(TimeSpan lifetime) => lifetime switch
    {
        { Ticks: var t } when t % TimeSpan.TicksPerDay == 0 => $"{lifetime.TotalDays:0}d",
        { Ticks: var t } when t % TimeSpan.TicksPerHour == 0 => $"{lifetime.TotalHours:0}h",
        { Ticks: var t } when t % TimeSpan.TicksPerMinute == 0 => $"{lifetime.TotalMinutes:0}m",
        _ => lifetime.ToString("c", CultureInfo.InvariantCulture),
    };
}
