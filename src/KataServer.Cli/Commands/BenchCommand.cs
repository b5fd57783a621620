using System.Diagnostics;
using System.Text;
using KataServer.Compilation;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Katas;

namespace KataServer.Cli.Commands;

/// <summary>Measures the grader on this machine and prints markdown tables (for the README's benchmark section).</summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] Parts = ["compile", "grade", "linearizability", "explore", "mutants"];
    private static readonly string[] Strategies = ["random", "pct", "dfs", "portfolio"];

    public string Usage => "bench [compile|grade|linearizability|explore|mutants]... [--kata ID]";
    public string Summary => "measure compile, grade, checker and explorer speed on this machine";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var parts = args.Positional.Count == 0 ? Parts : args.Positional;
        foreach (var unknown in parts.Except(Parts)) throw new UsageException($"unknown benchmark '{unknown}' (choose from {string.Join(", ", Parts)})");
        foreach (var part in parts)
        {
            errors.WriteLine($"... benchmark: {part}");
            output.WriteLine(part switch
            {
                "compile" => CompilationBenchmark.Run(),
                "grade" => await GradeBenchmarkAsync(CommandLine.LoadCatalog(args)),
                "linearizability" => KataServer.Testing.Linearizability.LinearizabilityBenchmark.Run(),
                "mutants" => await MutantBenchmarkAsync(CommandLine.LoadCatalog(args), args.Option("kata"), errors),
                _ => KataServer.Scheduling.SchedulingBenchmark.Run(),
            });
        }

        return ExitCodes.Passed;
    }

    /// <summary>End-to-end grading wall time: the first grade in a process (cold compiler) and warm medians.</summary>
    private static async Task<string> GradeBenchmarkAsync(KataCatalog catalog)
    {
        var kata = CommandLine.FindKata(catalog, "hit-counter");
        var passing = kata.Reference.Text;
        var failing = kata.Mutants[0].Source.Text;
        var grader = new Grader(new GraderOptions());

        var cold = await TimeAsync(grader, kata, passing);
        var warmPass = new List<double>();
        var warmFail = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            warmPass.Add(await TimeAsync(grader, kata, passing));
            warmFail.Add(await TimeAsync(grader, kata, failing));
        }

        var table = new StringBuilder();
        table.AppendLine($"| grade `{kata.Id}` (mode stress, kata budgets) | wall time |");
        table.AppendLine("| --- | --- |");
        table.AppendLine($"| first grade in a fresh process (passing, cold compiler) | {cold:0} ms |");
        table.AppendLine($"| passing submission, warm, median of 5 | {Median(warmPass):0} ms |");
        table.AppendLine($"| failing submission ({kata.Mutants[0].Name}), warm, median of 5 | {Median(warmFail):0} ms |");
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

    private static Task<GradeReport> GradeMutantAsync(Grader grader, Kata kata, LoadedMutant mutant, GradeMode mode, string? strategy) =>
        grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(mutant.Source.Text), Path.GetFileName(mutant.Source.Path))
        {
            Mode = mode,
            Strategy = strategy,
            Seed = 1,
            MeasurePerformance = false,
        });

    private static bool Found(GradeReport report, LoadedMutant mutant) =>
        report.Findings.Any(f => mutant.Spec.AcceptedFindings.Contains(f.Kind));

    private static async Task<double> TimeAsync(Grader grader, Kata kata, string source)
    {
        var watch = Stopwatch.StartNew();
        await grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "Solution.cs") { Mode = GradeMode.Stress });
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
