using System.Text;
using Mix.Invitations.Internal;

namespace Mix.Invitations.Tests.TestSupport;

/// <summary>
/// The test assembly's entry point. An xunit v3 test assembly is an executable that runs its own tests, so without
/// <see cref="ModeVariable"/> it hands over to xunit (as the generated entry point would); started with
/// <c>dotnet Mix.Invitations.Tests.dll</c> and <see cref="ModeVariable"/> set, it runs a child-process mode, so a test
/// can observe behaviour that depends on how the process started (invariant globalization is fixed at start-up).
/// </summary>
internal static class TestEntryPoint
{
    internal const string ModeVariable = "MIX_INVITATIONS_TEST_MODE";

    internal const string ParseJidsMode = "parse-jids";

    public static int Main(string[] args)
    {
        if (Environment.GetEnvironmentVariable(ModeVariable) != ParseJidsMode)
        {
            return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
        }

        // Arguments arrive as base64 of UTF-8 and results leave escaped, so no console or argument encoding matters.
        Console.WriteLine("invariant\t" + GlobalizationSupport.IsInvariant);
        foreach (var arg in args)
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(arg));
            try
            {
                Console.WriteLine("ok\t" + VectorFiles.Escape(Jid.Parse(text).ToString()));
            }
            catch (JidFormatException e)
            {
                Console.WriteLine("error\t" + e.Part + "\t" + VectorFiles.Escape(e.Message));
            }
        }

        return 0;
    }
}
