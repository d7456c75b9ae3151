namespace Mix.Invitations.Sample;

/// <summary>What the sample reads from its surroundings, so tests can give it a temporary folder, a fake clock and stdin.</summary>
internal sealed class SampleEnvironment
{
    /// <summary>Gets a lookup of environment variables (<c>MIX_INVITATIONS_KEY</c>, <c>XDG_CONFIG_HOME</c>).</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Gets what <c>-</c> reads.</summary>
    public required Func<TextReader> StandardInput { get; init; }

    /// <summary>Gets the clock for issue and verify; the demo wraps it in a clock of its own that it can move forward.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets the per-user configuration folder when <c>XDG_CONFIG_HOME</c> is not set.</summary>
    public Func<string> DefaultConfigDirectory { get; init; } =
        () => Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create);

    /// <summary>The running process's environment variables, console input and system clock.</summary>
    public static SampleEnvironment FromProcess() => new()
    {
        GetVariable = Environment.GetEnvironmentVariable,
        StandardInput = () => Console.In,
    };
}
