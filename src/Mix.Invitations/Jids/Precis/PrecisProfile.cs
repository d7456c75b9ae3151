using System.Diagnostics.CodeAnalysis;

namespace Mix.Invitations.Jids.Precis;

/// <summary>
/// INTERIM: ASCII-only enforcement until the table-driven PRECIS implementation lands. Non-ASCII input is refused.
/// </summary>
internal abstract class PrecisProfile
{
    internal abstract bool TryEnforce(ReadOnlySpan<char> input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error);
}

internal static class PrecisProfiles
{
    internal static PrecisProfile UsernameCaseMapped { get; } = new AsciiProfile(lower: true);

    internal static PrecisProfile OpaqueString { get; } = new AsciiProfile(lower: false);

    private sealed class AsciiProfile(bool lower) : PrecisProfile
    {
        internal override bool TryEnforce(ReadOnlySpan<char> input, [NotNullWhen(true)] out string? output, [NotNullWhen(false)] out string? error)
        {
            foreach (var c in input)
            {
                if (c > 0x7E || c < (lower ? 0x21 : 0x20))
                {
                    output = null;
                    error = "contains disallowed character " + Internal.JidNormalizer.Describe(c);
                    return false;
                }
            }

            output = lower ? input.ToString().ToLowerInvariant() : input.ToString();
            error = null;
            return true;
        }
    }
}
