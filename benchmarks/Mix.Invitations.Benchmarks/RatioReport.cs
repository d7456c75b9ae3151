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
    private readonly record struct Row(double MeanNs, long? AllocatedBytes);

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
            rows[$"{method.Type.Name}.{method.WorkloadMethod.Name}{suffix}"] = new Row(statistics.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
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

        // Issue 14: per reader of untrusted input, its worst 16 KiB input against a plain one.
        foreach (var reader in rows.Keys.Where(k => k.StartsWith("CostBenchmarks.Plain(", StringComparison.Ordinal)).Select(k => k["CostBenchmarks.Plain(".Length..^1]).Order(StringComparer.Ordinal))
        {
            Ratio(text, rows, $"{reader}: worst content ≤ 20 × plain (16 KiB)", $"CostBenchmarks.Worst({reader})", $"CostBenchmarks.Plain({reader})", 20, atMost: true);
            Ratio(text, rows, $"{reader}: worst markup ≤ 20 × plain (16 KiB)", $"CostBenchmarks.WorstMarkup({reader})", $"CostBenchmarks.Plain({reader})", 20, atMost: true);
        }

        Console.WriteLine();
        Console.WriteLine("// * Ratios of issue 8's targets (means of this run) *");
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

    private static void Ratio(StringBuilder text, Dictionary<string, Row> rows, string target, string numerator, string denominator, double? bound, bool atMost)
    {
        if (!rows.TryGetValue(numerator, out var top) || !rows.TryGetValue(denominator, out var bottom))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | not run | – |");
            return;
        }

        var ratio = top.MeanNs / bottom.MeanNs;
        var met = bound is not { } b ? "–" : (atMost ? ratio <= b : ratio >= b) ? "yes" : "**no**";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {ratio:F2} ({top.MeanNs:N0} ns / {bottom.MeanNs:N0} ns) | {met} |");
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
