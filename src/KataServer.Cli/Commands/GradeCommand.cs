using KataServer.Cli.Output;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Scheduling;

namespace KataServer.Cli.Commands;

public sealed class GradeCommand : ICommand
{
    public string Usage => "grade <kata> <file.cs> [--json] [--mode explore|stress|all] [--seed N] [--strategy NAME] [--unsafe-sandbox]";
    public string Summary => "grade a solution: exit 0 passed, 1 not passed, 2 bad usage or input";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var kata = CommandLine.FindKata(CommandLine.LoadCatalog(args), args.Required(0, "kata id"), args.Positional.ElementAtOrDefault(1));
        var file = args.Required(1, "solution file");
        args.ExpectAtMost(2);
        var request = new GradeRequest(kata, SubmissionFile.Read(file), Path.GetFileName(file))
        {
            Mode = ParseMode(args.Option("mode")),
            Seed = args.SeedOption(),
            Strategy = ParseStrategy(args.Option("strategy")),
        };

        var json = args.Flag("json");
        var progress = new ProgressLine(errors, live: !json && CommandLine.IsTerminal(errors));
        var report = await new Grader(CommandLine.GraderOptions(args)).GradeAsync(request, json ? null : progress);
        progress.Clear();
        if (json) output.WriteLine(Json.Serialize(report));
        else ReportPrinter.Print(report, output, color: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null);
        return ExitCodeOf(report);
    }

    public static int ExitCodeOf(GradeReport report) => report.Verdict switch
    {
        Verdicts.Passed => ExitCodes.Passed,
        // A file we could not even read as C# source is bad input, not a wrong solution.
        _ when report.InputRejected => ExitCodes.BadInput,
        _ => ExitCodes.Failed,
    };

    public static string? ParseStrategy(string? strategy) =>
        strategy is null || ScheduleExplorer.IsStrategyName(strategy) ? strategy
            : throw new UsageException($"--strategy must be one of {string.Join(", ", ScheduleExplorer.StrategyNames)} (not '{strategy}')");

    public static GradeMode ParseMode(string? mode) => mode switch
    {
        null or "all" => GradeMode.All,
        "explore" => GradeMode.Explore,
        "stress" => GradeMode.Stress,
        _ => throw new UsageException($"--mode must be explore, stress or all (not '{mode}')"),
    };
}

internal static class SubmissionFile
{
    private const long MaxReadBytes = 64L * 1024 * 1024;

    /// <summary>The file's bytes; the grader itself judges whether they are an acceptable C# file.</summary>
    public static byte[] Read(string path)
    {
        if (Directory.Exists(path)) throw new UsageException($"'{path}' is a folder, not a C# file");
        if (!File.Exists(path)) throw new UsageException($"file '{path}' does not exist");
        var length = new FileInfo(path).Length;
        if (length > MaxReadBytes) throw new UsageException($"'{path}' is {length / (1024 * 1024)} MiB: a solution is one C# file of at most {KataServer.Compilation.SubmissionLimits.DefaultMaxBytes / 1024} KiB");
        return File.ReadAllBytes(path);
    }
}
