using System.Diagnostics;
using System.Text;
using KataServer.Compilation;
using KataServer.Grading.Pipeline;
using KataServer.Katas;

namespace KataServer.Cli.Commands;

/// <summary>Measures the grader on this machine and prints markdown tables (for the README's benchmark section).</summary>
public sealed class BenchCommand : ICommand
{
    private static readonly string[] Parts = ["compile", "grade", "linearizability", "explore"];

    public string Usage => "bench [compile|grade|linearizability|explore]...";
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

    private static async Task<double> TimeAsync(Grader grader, Kata kata, string source)
    {
        var watch = Stopwatch.StartNew();
        await grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), "Solution.cs") { Mode = GradeMode.Stress });
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
