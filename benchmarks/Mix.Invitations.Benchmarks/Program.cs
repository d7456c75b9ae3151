using BenchmarkDotNet.Running;
using Mix.Invitations.Benchmarks;

if (args is ["--interleaved"])
{
    Interleaved.Run();
    return;
}

// BenchmarkSwitcher, so the usual command line works: --filter '*', --job Dry|Short, --artifacts <dir>, …
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
RatioReport.Write(summaries);
