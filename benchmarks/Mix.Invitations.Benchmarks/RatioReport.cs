using System.Globalization;
using System.Text;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;

namespace Mix.Invitations.Benchmarks;

/// <summary>
/// The ratios of issue 8's and issue 14's targets, computed from the means of this run (never across runs), printed after the
/// BenchmarkDotNet tables and written to <c>results/ratios.md</c> in the artifacts folder.
/// </summary>
internal static class RatioReport
{
    private readonly record struct Row(double MeanNs, double MedianNs, long? AllocatedBytes);

    public static void Write(IEnumerable<Summary> summaries)
    {
        var all = summaries.ToList();
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var report in all.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is not { } statistics)
            {
                continue;
            }

            var method = report.BenchmarkCase.Descriptor;
            var parameters = report.BenchmarkCase.Parameters;
            var suffix = parameters.Count == 0 ? string.Empty : "(" + string.Join(",", parameters.Items.Select(p => p.Value)) + ")";
            rows[$"{method.Type.Name}.{method.WorkloadMethod.Name}{suffix}"] = new Row(statistics.Mean, statistics.Median, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
        }

        var text = new StringBuilder();
        var dry = all.SelectMany(s => s.BenchmarksCases).Any(c => c.Job.Run.RunStrategy == RunStrategy.ColdStart && c.Job.Run.IterationCount == 1);
        if (dry)
        {
            text.AppendLine("Dry run: one cold call per row, so these ratios say nothing about speed (the run only proves the benchmarks work).");
            text.AppendLine();
        }

        text.AppendLine("| target | measured | met |");
        text.AppendLine("| --- | --- | --- |");
        Ratio(text, rows, "validate (cached key) ≤ 1.3 × F1", "ValidationBenchmarks.Validate", "ValidationBenchmarks.F1", 1.3, atMost: true);
        Bytes(text, rows, "validate (cached key) allocates 0 B", "ValidationBenchmarks.Validate", 0);
        Ratio(text, rows, "issue ≤ 1.3 × F1-issue", "IssueBenchmarks.Issue", "IssueBenchmarks.F1Issue", 1.3, atMost: true);
        ExtraBytes(text, rows, "(info) issue allocates the token string and the Invitation (beyond F1-issue's string)", "IssueBenchmarks.Issue", "IssueBenchmarks.F1Issue");
        Ratio(text, rows, "first-seen channel ≤ 1.3 × F2", "FirstSeenChannelBenchmarks.ValidateFirstSeen", "FirstSeenChannelBenchmarks.F2", 1.3, atMost: true);
        Ratio(text, rows, "JWT validate ≥ 3 × validate", "ValidationBenchmarks.JwtValidate", "ValidationBenchmarks.Validate", 3, atMost: false);
        Ratio(text, rows, "Data Protection Unprotect ≥ 8 × validate", "ValidationBenchmarks.DataProtectionUnprotect", "ValidationBenchmarks.Validate", 8, atMost: false);
        Ratio(text, rows, "2 threads ≥ 1.8 × the throughput of 1", "ThroughputBenchmarks.OneThread", "ThroughputBenchmarks.TwoThreads", 1.8, atMost: false);
        Ratio(text, rows, "(info) JWT create / issue", "IssueBenchmarks.JwtCreate", "IssueBenchmarks.Issue", null, atMost: false);
        Ratio(text, rows, "(info) Data Protection Protect / issue", "IssueBenchmarks.DataProtectionProtect", "IssueBenchmarks.Issue", null, atMost: false);

        // Issue 20: through the ledger (Redis latency by the medians, as the target says) and at scale.
        Ratio(text, rows, "redeem (Redis) median ≤ 1.15 × bare EVALSHA median", "RedisRedeemBenchmarks.Redeem", "RedisRedeemBenchmarks.BareEvalSha", 1.15, atMost: true, median: true);
        Ratio(text, rows, "Redis throughput, 64 in flight: redeem ≥ 0.8 × bare EVALSHA", "RedisRedeemBenchmarks.BareEvalShaConcurrent", "RedisRedeemBenchmarks.RedeemConcurrent", 0.8, atMost: false);
        foreach (var size in new[] { "10000", "100000", "1000000" })
        {
            var bound = size == "1000000";
            Ratio(text, rows, $"first-seen {size} / 1000 channels{(bound ? " ≤ 1.2" : " (info)")}", $"FirstSeenAtScaleBenchmarks.ValidateFirstSeen({size})", "FirstSeenAtScaleBenchmarks.ValidateFirstSeen(1000)", bound ? 1.2 : null, atMost: true);
            Ratio(text, rows, $"ledger redeem {size} / 1000 live entries{(bound ? " ≤ 1.3" : " (info)")}", $"LedgerAtScaleBenchmarks.RedeemAndRelease({size})", "LedgerAtScaleBenchmarks.RedeemAndRelease(1000)", bound ? 1.3 : null, atMost: true);
            Ratio(text, rows, $"(info) ledger only {size} / 1000 live entries", $"LedgerAtScaleBenchmarks.ConsumeAndRelease({size})", "LedgerAtScaleBenchmarks.ConsumeAndRelease(1000)", null, atMost: true);
        }

        Ratio(text, rows, "ledger: 2 threads ≥ 1.8 × the throughput of 1", "LedgerThroughputBenchmarks.OneThread", "LedgerThroughputBenchmarks.TwoThreads", 1.8, atMost: false);

        // Issue 14: per reader of untrusted input, its worst 16 KiB input against a plain one.
        foreach (var reader in rows.Keys.Where(k => k.StartsWith("CostBenchmarks.Plain(", StringComparison.Ordinal)).Select(k => k["CostBenchmarks.Plain(".Length..^1]).Order(StringComparer.Ordinal))
        {
            Ratio(text, rows, $"{reader}: worst content ≤ 20 × plain (16 KiB)", $"CostBenchmarks.Worst({reader})", $"CostBenchmarks.Plain({reader})", 20, atMost: true);
            Ratio(text, rows, $"{reader}: worst markup ≤ 20 × plain (16 KiB)", $"CostBenchmarks.WorstMarkup({reader})", $"CostBenchmarks.Plain({reader})", 20, atMost: true);
        }

        Console.WriteLine();
        Console.WriteLine("// * Ratios of the targets of issues 8, 14 and 20 (means of this run; the Redis latency by medians) *");
        Console.WriteLine(text.ToString());
        var folder = all.Select(s => s.ResultsDirectoryPath).FirstOrDefault(p => !string.IsNullOrEmpty(p));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "ratios.md");
            File.WriteAllText(path, text.ToString());
            Console.WriteLine($"Ratios written to {path}");
        }
    }

    private static void Ratio(StringBuilder text, Dictionary<string, Row> rows, string target, string numerator, string denominator, double? bound, bool atMost, bool median = false)
    {
        if (!rows.TryGetValue(numerator, out var top) || !rows.TryGetValue(denominator, out var bottom))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | not run | – |");
            return;
        }

        var (a, b2) = median ? (top.MedianNs, bottom.MedianNs) : (top.MeanNs, bottom.MeanNs);
        var ratio = a / b2;
        var met = bound is not { } b ? "–" : (atMost ? ratio <= b : ratio >= b) ? "yes" : "**no**";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {ratio:F2} ({a:N0} ns / {b2:N0} ns{(median ? ", medians" : string.Empty)}) | {met} |");
    }

    private static void Bytes(StringBuilder text, Dictionary<string, Row> rows, string target, string name, long bound)
    {
        if (!rows.TryGetValue(name, out var row) || row.AllocatedBytes is not { } bytes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | not run | – |");
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {bytes} B | {(bytes <= bound ? "yes" : "**no**")} |");
    }

    private static void ExtraBytes(StringBuilder text, Dictionary<string, Row> rows, string target, string name, string floor)
    {
        if (!rows.TryGetValue(name, out var row) || row.AllocatedBytes is not { } bytes || !rows.TryGetValue(floor, out var floorRow) || floorRow.AllocatedBytes is not { } floorBytes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | not run | – |");
            return;
        }

        var extra = bytes - floorBytes;
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {bytes} B ({floorBytes} B token string + {extra} B) | {(target.StartsWith("(info)", StringComparison.Ordinal) ? "–" : extra <= 0 ? "yes" : "**no**")} |");
    }
}
