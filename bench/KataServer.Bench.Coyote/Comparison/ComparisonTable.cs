using System.Globalization;
using System.Text;

namespace KataServer.Bench.Coyote.Comparison;

/// <summary>Renders the comparison as markdown (the table in docs/benchmarks.md comes from here).</summary>
public static class ComparisonTable
{
    public const string Header =
        "| kata / mutant | test(s) | KataServer explorer | Coyote, default | Coyote + memory-access races (opt-in) | not controlled by Coyote | notes |\n" +
        "| --- | --- | --- | --- | --- | --- | --- |";

    public static string Render(IReadOnlyList<MutantComparison> rows, int seeds)
    {
        var text = new StringBuilder();
        text.AppendLine($"Each engine cell: seeds that found the bug (of {seeds}) · schedules to the bug, median (min–max) over those seeds · schedules per second over all its schedules of the row.");
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
        notes.AddRange(row.CoyoteMemoryRaces.Notes.Except(row.CoyoteDefault.Notes).Select(n => "Coyote+mem: " + n));
        return $"| {row.Kata} / {row.Mutant} | {string.Join(", ", row.Tests)} | {Engine(row.Ours)} | {Engine(row.CoyoteDefault)} | " +
            $"{Engine(row.CoyoteMemoryRaces)} | {(row.UncontrolledByCoyote.Count == 0 ? "—" : string.Join(", ", row.UncontrolledByCoyote))} | {Cell(string.Join("; ", notes))} |";
    }

    private static string Engine(EngineSummary summary)
    {
        if (summary.Seeds.Count == 0) return "not run";
        var toBug = summary.ToBug;
        var schedules = toBug.Count == 0 ? "—" : toBug.Count == 1 ? $"{toBug[0]}" : $"{toBug[toBug.Count / 2]} ({toBug[0]}–{toBug[^1]})";
        var rate = summary.SchedulesPerSecond is { } r ? $"{r.ToString("N0", CultureInfo.InvariantCulture)}/s" : "—";
        return $"{summary.FoundSeeds}/{summary.Seeds.Count} · {schedules} · {rate}";
    }

    /// <summary>Mutants found on every seed, on some, on none; the overall rate; and the per-mutant rate ratio.</summary>
    private static string Summary(IReadOnlyList<MutantComparison> rows, int seeds)
    {
        var text = new StringBuilder();
        text.AppendLine("| engine | found on every seed | on some seeds | never | schedules/s over all rows | our rate ÷ its rate, median over rows (min–max) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
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
            var ms = ran.Sum(s => s.ExploringMs);
            var rate = ms > 0 ? (ran.Sum(s => s.Explored) * 1000.0 / ms).ToString("N0", CultureInfo.InvariantCulture) : "—";
            var ratios = rows
                .Where(r => pick(r).SchedulesPerSecond is > 0 && r.Ours.SchedulesPerSecond is > 0)
                .Select(r => r.Ours.SchedulesPerSecond!.Value / pick(r).SchedulesPerSecond!.Value)
                .Order().ToList();
            var ratio = name == "KataServer explorer" || ratios.Count == 0 ? "—"
                : $"{ratios[ratios.Count / 2]:0.0}x ({ratios[0]:0.0}x–{ratios[^1]:0.0}x)";
            text.AppendLine($"| {name} | {every} | {some} | {never} | {rate} | {ratio} |");
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
