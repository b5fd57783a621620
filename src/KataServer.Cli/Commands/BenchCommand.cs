using System.Text;
using KataServer.Compilation;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Katas;
using KataServer.Testing;

namespace KataServer.Cli.Commands;

/// <summary>Measures the grader on this machine and prints markdown tables (for the README's benchmark section).</summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] Parts = ["compile", "grade", "linearizability", "explore", "mutants", "seeds"];
    private static readonly string[] Strategies = ["random", "pct", "dfs", "portfolio"];

    public string Usage => "bench [compile|grade|linearizability|explore|mutants|seeds]... [--kata ID] (grade: ID,ID,...) [--repeat N]";
    public string Summary => "measure compile, grade, checker and explorer speed on this machine";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        // "seeds" grades every mutant many times over; it runs only when asked for.
        var parts = args.Positional.Count == 0 ? Parts.Except(["seeds"]).ToList() : args.Positional;
        foreach (var unknown in parts.Except(Parts)) throw new UsageException($"unknown benchmark '{unknown}' (choose from {string.Join(", ", Parts)})");
        foreach (var part in parts)
        {
            errors.WriteLine($"... benchmark: {part}");
            output.WriteLine(part switch
            {
                "compile" => CompilationBenchmark.Run(),
                "grade" => await GradeBenchmarkAsync(CommandLine.LoadCatalog(args), args.Option("kata"), args.IntOption("repeat") ?? 3, errors),
                "linearizability" => KataServer.Testing.Linearizability.LinearizabilityBenchmark.Run(),
                "mutants" => await MutantBenchmarkAsync(CommandLine.LoadCatalog(args), args.Option("kata"), errors),
                "seeds" => await SeedSweepAsync(CommandLine.LoadCatalog(args), args.Option("kata"), args.IntOption("repeat") ?? 20, errors),
                _ => KataServer.Scheduling.SchedulingBenchmark.Run() + Environment.NewLine +
                    await KataExplorationRateAsync(CommandLine.LoadCatalog(args), args.Option("kata"), errors),
            });
        }

        return ExitCodes.Passed;
    }

    /// <summary>
    /// End-to-end grading on the katas' own files: the reference (passing) and the first mutant (failing), graded in the
    /// default mode with one warm compiler, alternately by the grader as it was (one runner explores every test to its
    /// end) and as it is (<see cref="ExploreStage"/>: runners side by side, a failing grade stops at its first failing
    /// test), so both sides share the machine's noise. Prints the median time of each stage.
    /// </summary>
    private static async Task<string> GradeBenchmarkAsync(KataCatalog catalog, string? kataId, int rounds, TextWriter errors)
    {
        var katas = kataId is not null ? kataId.Split(',').Select(id => CommandLine.FindKata(catalog, id.Trim())).ToList()
            : new[] { "hit-counter", "deadlock-transfer", "bounded-buffer", "countdown-latch", "lock-free-stack" }.Select(id => CommandLine.FindKata(catalog, id)).ToList();
        var compiler = new KataCompiler();
        var graders = new (string Name, Grader Grader)[]
        {
            ("one explore runner, every test to its end", new Grader(new GraderOptions { Compiler = compiler, StopAtFirstFinding = false, ExploreRunners = 1 })),
            ("the default: stop at the first failing test", new Grader(new GraderOptions { Compiler = compiler })),
            ("two explore runners on idle cores, stop at the first failing test", new Grader(new GraderOptions { Compiler = compiler, ExploreRunners = 2 })),
        };

        var first = await TimedGradeAsync(graders[1].Grader, katas[0], katas[0].Reference.Text, seed: 1);
        var table = new StringBuilder();
        table.AppendLine($"First grade in this process (cold compiler, {katas[0].Id} reference): {first.TimingsMs.Total} ms, of which compile {first.TimingsMs.Compile} ms.");
        table.AppendLine();
        table.AppendLine($"| kata | submission | grader | verdict | compile | police | rewrite | explore | stress | measure | total (median of {rounds}) |");
        table.AppendLine("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var totals = new Dictionary<(bool Passing, string Grader), List<long>>();
        foreach (var kata in katas)
        {
            var files = new[] { (Passing: true, Name: "reference", Text: kata.Reference.Text), (Passing: false, Name: "starter", Text: kata.Starter.Text), (Passing: false, Name: kata.Mutants[0].Name, Text: kata.Mutants[0].Source.Text) };
            var reports = new Dictionary<(string, string), List<GradeReport>>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var file in files)
                {
                    foreach (var (name, grader) in graders)
                    {
                        // The same seed on both sides of a round: every test that runs explores the same schedules.
                        var report = await TimedGradeAsync(grader, kata, file.Text, seed: (ulong)round + 1);
                        errors.WriteLine($"  {kata.Id} {file.Name} ({name}): {report.Verdict}, {report.TimingsMs.Total} ms");
                        (reports.TryGetValue((file.Name, name), out var list) ? list : reports[(file.Name, name)] = []).Add(report);
                    }
                }
            }

            foreach (var file in files)
            {
                foreach (var (name, _) in graders)
                {
                    var runs = reports[(file.Name, name)];
                    long M(Func<Timings, long> stage) => MedianOf(runs.Select(r => stage(r.TimingsMs)));
                    var verdicts = string.Join("/", runs.Select(r => r.Verdict).Distinct());
                    table.AppendLine($"| {kata.Id} | {file.Name} | {name} | {verdicts} | {M(t => t.Compile)} | {M(t => t.Police)} | {M(t => t.Rewrite)} | {M(t => t.Explore)} | {M(t => t.Stress)} | {M(t => t.Measure)} | {M(t => t.Total)} ms |");
                    (totals.TryGetValue((file.Passing, name), out var all) ? all : totals[(file.Passing, name)] = []).AddRange(runs.Select(r => r.TimingsMs.Total));
                }
            }
        }

        table.AppendLine();
        foreach (var ((passing, name), all) in totals)
            table.AppendLine($"- {(passing ? "passing" : "failing")} grades, {name}: p50 {MedianOf(all)} ms over {all.Count} grades of {katas.Count} katas");
        foreach (var passing in new[] { true, false })
        {
            double P50(int grader) => MedianOf(totals[(passing, graders[grader].Name)]);
            for (var grader = 1; grader < graders.Length; grader++)
                table.AppendLine($"- {(passing ? "passing" : "failing")} grades, {graders[grader].Name}: p50 {P50(grader) / Math.Max(1, P50(0)):0.00} of the first grader's");
        }
        return table.ToString();
    }

    private static Task<GradeReport> TimedGradeAsync(Grader grader, Kata kata, string source, ulong seed) =>
        grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "Solution.cs") { Seed = seed });

    private static long MedianOf(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];
    }

    /// <summary>
    /// Schedules per second on the katas' own tests: each reference solution graded with exploration alone (seed 1,
    /// default strategy, the kata's budgets). The rate counts the tests' exploring time only, not compiling or the
    /// runner process. Every schedule of a correct solution runs to the end, so this is the rate a passing grade sees.
    /// </summary>
    private static async Task<string> KataExplorationRateAsync(KataCatalog catalog, string? onlyKata, TextWriter errors)
    {
        var grader = new Grader(new GraderOptions());
        var table = new StringBuilder();
        table.AppendLine("| kata (reference solution) | tests | schedules | exploring time | schedules/s |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        var katas = onlyKata is null ? catalog.Katas : [CommandLine.FindKata(catalog, onlyKata)];
        foreach (var kata in katas)
        {
            errors.WriteLine($"... {kata.Id} (reference)");
            var report = await grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(kata.Reference.Text), "Solution.cs")
            {
                Mode = GradeMode.Explore,
                Seed = 1,
                MeasurePerformance = false,
            });
            var explored = report.Tests.Where(t => t.Mode == "explore" && t.Outcome == TestOutcomes.Passed && t.DurationMs > 0).ToList();
            if (explored.Count == 0)
            {
                table.AppendLine($"| {kata.Id} | 0 | - | - | - |");
                continue;
            }

            long schedules = explored.Sum(t => t.Runs);
            long ms = explored.Sum(t => t.DurationMs);
            table.AppendLine($"| {kata.Id} | {explored.Count} | {schedules} | {ms} ms | {schedules * 1000.0 / ms:0} |");
        }

        return table.ToString();
    }

    /// <summary>
    /// For each mutant: does exploration alone find it, under each strategy (schedules and time to the first
    /// bug), and does real-thread stress alone find it (time)? Each half runs with the kata's own budgets.
    /// </summary>
    private static async Task<string> MutantBenchmarkAsync(KataCatalog catalog, string? onlyKata, TextWriter errors)
    {
        var grader = new Grader(new GraderOptions());
        var table = new StringBuilder();
        table.AppendLine("| kata / mutant | " + string.Join(" | ", Strategies.Select(s => $"explore: {s}")) + " | stress |");
        table.AppendLine("| --- |" + string.Concat(Enumerable.Repeat(" --- |", Strategies.Length + 1)));
        var katas = onlyKata is null ? catalog.Katas : [CommandLine.FindKata(catalog, onlyKata)];
        foreach (var kata in katas)
        {
            foreach (var mutant in kata.Mutants.Where(m => m.Spec.Finding != "policy"))
            {
                errors.WriteLine($"... {kata.Id}/{mutant.Name}");
                var cells = new List<string>();
                foreach (var strategy in Strategies)
                {
                    var report = await GradeMutantAsync(grader, kata, mutant, GradeMode.Explore, strategy);
                    var failed = report.Tests.Where(t => t.Outcome == TestOutcomes.Failed).ToList();
                    cells.Add(Found(report, mutant)
                        ? $"found: {failed.Sum(t => t.Runs)} schedules, {report.TimingsMs.Explore} ms"
                        : $"missed ({report.Tests.Sum(t => t.Runs)} schedules)");
                }

                var stress = await GradeMutantAsync(grader, kata, mutant, GradeMode.Stress, strategy: null);
                cells.Add(Found(stress, mutant) ? $"found: {stress.TimingsMs.Stress} ms" : $"missed ({stress.TimingsMs.Stress} ms)");
                table.AppendLine($"| {kata.Id} / {mutant.Name} | {string.Join(" | ", cells)} |");
            }
        }

        return table.ToString();
    }

    /// <summary>
    /// How safe is each kata's explore budget? Every grade draws a new seed, so a mutant found after N schedules
    /// on average is missed about e^(-budget/N) of the time. Grades each mutant with exploration alone (default
    /// portfolio) over seeds 1..N at four times the budgets, so the tail past the kata's budget shows.
    /// </summary>
    private static async Task<string> SeedSweepAsync(KataCatalog catalog, string? onlyKata, int seeds, TextWriter errors)
    {
        if (seeds < 1) throw new UsageException("--repeat must be at least 1");
        var grader = new Grader(new GraderOptions { BudgetScale = 4 });
        var table = new StringBuilder();
        table.AppendLine($"| kata / mutant | budget | schedules to the bug over {seeds} seeds: median / mean / max | past the budget | ≈ missed per grade (e^(-budget/mean)) |");
        table.AppendLine("| --- | ---: | --- | ---: | ---: |");
        var katas = onlyKata is null ? catalog.Katas : [CommandLine.FindKata(catalog, onlyKata)];
        foreach (var kata in katas)
        {
            var budget = kata.Manifest.Budgets.ExploreSchedules;
            foreach (var mutant in kata.Mutants.Where(m => m.Spec.Finding != "policy"))
            {
                errors.WriteLine($"... {kata.Id}/{mutant.Name}");
                var counts = new List<long>();
                var missed = 0;
                var races = 0;
                IReadOnlyList<string> tests = [];
                for (var seed = 1UL; seed <= (ulong)seeds; seed++)
                {
                    var report = await GradeMutantAsync(grader, kata, mutant, GradeMode.Explore, strategy: null, seed, tests);
                    var failed = report.Tests.Where(t => t.Outcome == TestOutcomes.Failed).ToList();
                    if (!Found(report, mutant)) missed++;
                    // A data race alone is reported when the test's exploration ends, so its runs are the whole budget.
                    else if (report.Findings.All(f => f.Kind == FindingKind.DataRace.ToWireName())) races++;
                    else counts.Add(failed.Count > 0 ? failed.Min(t => t.Runs) : 0); // 0: refused before any test ran (policy)

                    // Each test explores with the grade's seed alone, so later seeds need only the tests that can find
                    // this bug (the others would explore their whole budget for nothing).
                    if (seed == 1 && failed.Count > 0) tests = failed.Select(t => t.Name).ToList();
                }

                var pastBudget = counts.Count(c => c > budget) + missed;
                var summary = counts.Count == 0
                    ? races > 0 ? "only as a data race (reported when the exploration ends)" : "never found"
                    : $"{counts.Order().ElementAt(counts.Count / 2)} / {counts.Average():0} / {counts.Max()}" + (missed > 0 ? $", missed {missed} at 4x" : "");
                if (races > 0 && counts.Count > 0) summary += $"; {races} seeds only as a data race";
                var estimate = counts.Count == 0 ? 1 : Math.Exp(-budget / counts.Average());
                var estimateCell = counts.Count == 0 && races > 0 ? "not estimated" : estimate < 1e-5 ? "< 0.001 %" : $"{estimate * 100:0.###} %";
                var row = $"| {kata.Id} / {mutant.Name} | {budget} | {summary} | {pastBudget}/{seeds} | {estimateCell} |";
                errors.WriteLine(row); // the sweep takes long: show each row as soon as it is known
                table.AppendLine(row);
            }
        }

        return table.ToString();
    }

    private static Task<GradeReport> GradeMutantAsync(Grader grader, Kata kata, LoadedMutant mutant, GradeMode mode, string? strategy, ulong seed = 1, IReadOnlyList<string>? onlyTests = null) =>
        grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(mutant.Source.Text), Path.GetFileName(mutant.Source.Path))
        {
            OnlyTests = onlyTests ?? [],
            Mode = mode,
            Strategy = strategy,
            Seed = seed,
            MeasurePerformance = false,
        });

    private static bool Found(GradeReport report, LoadedMutant mutant) =>
        report.Findings.Any(f => mutant.Spec.AcceptedFindings.Contains(f.Kind));
}
