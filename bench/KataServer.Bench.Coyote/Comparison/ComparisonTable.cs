using System.Globalization;
using System.Text;

namespace KataServer.Bench.Coyote.Comparison;

/// <summary>Renders the comparison as markdown (the table in docs/benchmarks.md comes from here).</summary>
public static class ComparisonTable
{
    public const string Header =
        "| kata / mutant | test(s) | KataServer explorer | Coyote, default | Coyote + memory-access races (opt-in) | not controlled by Coyote | notes |\n" +
        "| --- | --- | --- | --- | --- | --- | --- |";

    public const string RateHeader =
        "| kata (reference solution) | tests | schedules: ours / Coyote / Coyote+mem | KataServer explorer | Coyote, default | Coyote + memory-access races | ours ÷ Coyote default | ours ÷ Coyote+mem | false alarms |\n" +
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |";

    public static string RenderRates(IReadOnlyList<ReferenceRate> rates)
    {
        var text = new StringBuilder();
        text.AppendLine("Schedules per second on each kata's reference solution (seed 1, the tests of its rows above, the kata's schedule budget; every schedule runs to its end):");
        text.AppendLine();
        text.AppendLine(RateHeader);
        foreach (var rate in rates) text.AppendLine(RateRow(rate));
        double Total(Func<ReferenceRate, RateSample?> pick) =>
            rates.Select(pick).OfType<RateSample>().Sum(s => s.Schedules) * 1000.0 / Math.Max(1, rates.Select(pick).OfType<RateSample>().Sum(s => s.Milliseconds));
        var ours = Total(r => r.Ours);
        var coyote = Total(r => r.CoyoteDefault);
        var memory = Total(r => r.CoyoteMemoryRaces);
        text.AppendLine($"| all | {rates.Sum(r => r.Tests.Count)} | | {Rate(ours)} | {Rate(coyote)} | {Rate(memory)} | {Ratio(ours, coyote)} | {Ratio(ours, memory)} | |");
        return text.ToString();
    }

    public static string RateRow(ReferenceRate rate)
    {
        var alarms = new[] { ("ours", rate.Ours), ("Coyote", rate.CoyoteDefault), ("Coyote+mem", rate.CoyoteMemoryRaces) }
            .Where(x => x.Item2?.FalseAlarm is not null).Select(x => $"{x.Item1}: {x.Item2!.FalseAlarm}").ToList();
        if (rate.Error is not null) alarms.Add("error: " + rate.Error);
        return $"| {rate.Kata} | {rate.Tests.Count} | {rate.Ours?.Schedules} / {rate.CoyoteDefault?.Schedules} / {rate.CoyoteMemoryRaces?.Schedules} | " +
            $"{Rate(rate.Ours?.PerSecond)} | {Rate(rate.CoyoteDefault?.PerSecond)} | {Rate(rate.CoyoteMemoryRaces?.PerSecond)} | " +
            $"{Ratio(rate.Ours?.PerSecond, rate.CoyoteDefault?.PerSecond)} | {Ratio(rate.Ours?.PerSecond, rate.CoyoteMemoryRaces?.PerSecond)} | " +
            $"{(alarms.Count == 0 ? "none" : Cell(string.Join("; ", alarms)))} |";
    }

    private static string Rate(double? perSecond) => perSecond is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "—";

    private static string Ratio(double? ours, double? theirs) => ours is > 0 && theirs is > 0 ? $"{ours / theirs:0.0}x" : "—";

    public static string Render(IReadOnlyList<MutantComparison> rows, int seeds)
    {
        var text = new StringBuilder();
        text.AppendLine($"Each engine cell: seeds that found the bug (of {seeds}) · schedules (Coyote: iterations) to the bug, the failing one included, median (min–max) over those seeds.");
        text.AppendLine();
        text.AppendLine(Header);
        foreach (var row in rows) text.AppendLine(Row(row));
        text.AppendLine();
        text.Append(Summary(rows, seeds));
        return text.ToString();
    }

    public static string Row(MutantComparison row)
    {
        var notes = new List<string>();
        if (row.Error is not null) notes.Add("error: " + Cell(row.Error));
        notes.AddRange(row.Ours.Notes.Select(n => "ours: " + n));
        notes.AddRange(row.CoyoteDefault.Notes.Select(n => "Coyote: " + n));
        notes.AddRange(row.CoyoteMemoryRaces.Notes.Select(n => "Coyote+mem: " + n));
        return $"| {row.Kata} / {row.Mutant} | {string.Join(", ", row.Tests)} | {Engine(row.Ours)} | {Engine(row.CoyoteDefault)} | " +
            $"{Engine(row.CoyoteMemoryRaces)} | {(row.UncontrolledByCoyote.Count == 0 ? "—" : string.Join(", ", row.UncontrolledByCoyote))} | {Cell(string.Join("; ", notes))} |";
    }

    private static string Engine(EngineSummary summary)
    {
        if (summary.Seeds.Count == 0) return "not run";
        var toBug = summary.ToBug;
        var schedules = toBug.Count == 0 ? "—" : toBug.Count == 1 ? $"{toBug[0]}" : $"{toBug[toBug.Count / 2]} ({toBug[0]}–{toBug[^1]})";
        return $"{summary.FoundSeeds}/{summary.Seeds.Count} · {schedules}";
    }

    /// <summary>Mutants found on every seed, on some, on none; the overall rate; and the per-mutant rate ratio.</summary>
    private static string Summary(IReadOnlyList<MutantComparison> rows, int seeds)
    {
        var text = new StringBuilder();
        text.AppendLine("| engine | mutants found on every seed | on some seeds | never | schedules to the bug, summed over found seeds |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, pick) in new (string, Func<MutantComparison, EngineSummary>)[]
                 {
                     ("KataServer explorer", r => r.Ours),
                     ("Coyote, default", r => r.CoyoteDefault),
                     ("Coyote + memory-access races", r => r.CoyoteMemoryRaces),
                 })
        {
            var ran = rows.Select(pick).Where(s => s.Seeds.Count > 0).ToList();
            var every = ran.Count(s => s.FoundSeeds == s.Seeds.Count);
            var some = ran.Count(s => s.FoundSeeds > 0 && s.FoundSeeds < s.Seeds.Count);
            var never = ran.Count(s => s.FoundSeeds == 0);
            text.AppendLine($"| {name} | {every} | {some} | {never} | {ran.Sum(s => s.ToBug.Sum())} |");
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
