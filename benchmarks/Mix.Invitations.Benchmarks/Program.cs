using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Mix.Invitations.Benchmarks;

if (args is ["--interleaved"])
{
    Interleaved.Run();
    return;
}

// Issue 20's join lines alone (reading the <join/> IQ and validating, against the validation), for a before/after of one
// change.
if (args is ["--interleaved-join"])
{
    Interleaved.RunJoinAlone();
    return;
}

// Issue 20's lines alone (through the ledger and at scale), for a before/after of one change.
if (args is ["--interleaved-scale"])
{
    Interleaved.RunAtScale();
    return;
}

#if MIX_INVITATIONS_LEDGER
if (args is ["--interleaved-threads"])
{
    Interleaved.RunLedgerThreads();
    return;
}

// The Redis lines alone (latency and throughput against a bare EVALSHA, redis-benchmark's ceiling), for a before/after
// of a change to the ledger's scripts or its client side.
if (args is ["--interleaved-redis"])
{
    Interleaved.RunRedis();
    return;
}
#endif

#if MIX_INVITATIONS_XML
if (args is ["--interleaved-cost"])
{
    Interleaved.RunCost();
    return;
}
#endif

// BenchmarkSwitcher, so the usual command line works: --filter '*', --job Dry|Short, --artifacts <dir>, …
// BenchmarkDotNet builds a project of its own before measuring; on a machine shared with other builds its default
// two-minute build timeout was reached, so allow more.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
RatioReport.Write(summaries);
