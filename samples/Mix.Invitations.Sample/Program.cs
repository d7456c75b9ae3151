using System.CommandLine;

namespace Mix.Invitations.Sample;

/// <summary>
/// The sample's entry point. <see cref="Run"/> holds everything, so tests run the commands in-process with their own
/// writers, environment and clock.
/// </summary>
internal static class Program
{
    /// <summary>Exit code: the invitation is valid, or the command did what it was asked.</summary>
    internal const int Success = 0;

    /// <summary>Exit code: the invitation was refused.</summary>
    internal const int Refused = 1;

    /// <summary>Exit code: bad usage or bad input (a malformed JID, XML, URI, lifetime, policy or key).</summary>
    internal const int UsageError = 2;

    /// <summary>Exit code: <c>issue</c> was refused by the built-in issuance rules (<c>--role</c>).</summary>
    internal const int IssueRefused = 3;

    /// <summary>Exit code: <c>revoke ID</c> found no such invitation in the channel.</summary>
    internal const int NotFound = 4;

    /// <summary>Exit code: Redis (<c>--redis</c>, <c>MIX_INVITATIONS_REDIS</c>) could not be reached.</summary>
    internal const int RedisUnavailable = 5;

    public static int Main(string[] args) =>
        Run(args, Console.Out, Console.Error, SampleEnvironment.FromProcess());

    /// <summary>Parses <paramref name="args"/> and runs the command they name (the demo when there are none).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where results go (invitations, verdicts, the demo).</param>
    /// <param name="error">Where errors and notes about the key go.</param>
    /// <param name="environment">Environment variables, configuration folder, standard input and clock; the process's own when null.</param>
    /// <returns>0 valid or done, 1 refused, 2 usage or input error, 3 issue refused by the issuance rules, 4 no such invitation, 5 Redis unreachable; <c>narrow</c>'s own 6–9 (<see cref="NarrowCommand"/>).</returns>
    internal static int Run(string[] args, TextWriter output, TextWriter error, SampleEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        environment ??= SampleEnvironment.FromProcess();

        var root = SampleCommands.Create(environment);

        // '@file' is one of verify's input forms, not a response file.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            // One line naming the first problem; System.CommandLine's own handler would print help after it.
            error.WriteLine($"error: {OneLine(parsed.Errors[0].Message)} (see --help)");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {OneLine(ex.Message)}");
            return UsageError;
        }
        catch (SampleStoreUnavailableException ex)
        {
            error.WriteLine($"error: {OneLine(ex.Message)}");
            return RedisUnavailable;
        }
        catch (InvitationLedgerUnavailableException ex)
        {
            // Reached at first, lost since: the library's message names the failure, never a key, a token or the configuration.
            error.WriteLine($"error: Redis stopped answering ({OneLine(ex.Message)}); what was asked may or may not be stored: run the command again");
            return RedisUnavailable;
        }
        catch (Exception ex)
        {
            // Never a stack trace: a command-line tool reports what failed in one line.
            error.WriteLine($"error: {OneLine(ex.Message)}");
            return UsageError;
        }
    }

    /// <summary>Keeps the first line of a message, without .NET's " (Parameter 'x')" suffix.</summary>
    internal static string OneLine(string message)
    {
        var line = message.AsSpan();
        var newline = line.IndexOfAny('\r', '\n');
        if (newline >= 0)
        {
            line = line[..newline];
        }

        var parameter = line.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (parameter >= 0)
        {
            line = line[..parameter];
        }

        return line.Trim().ToString();
    }
}
