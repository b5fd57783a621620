using KataServer.Cli.Output;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Testing;

namespace KataServer.Cli.Commands;

public sealed class ReplayCommand : ICommand
{
    public string Usage => "replay <kata> <file.cs> <token> [--repeat N] [--json]";
    public string Summary => "re-run the exact interleaving of a finding (its replay token): exit 1 it still fails, 0 it no longer does";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var kata = CommandLine.FindKata(CommandLine.LoadCatalog(args), args.Required(0, "kata id"), args.Positional.ElementAtOrDefault(1));
        var file = args.Required(1, "solution file");
        ReplayTarget token;
        try { token = ReplayTarget.Parse(args.Required(2, "replay token")); }
        catch (InvalidReplayException e) { throw new UsageException(e.Message); }
        args.ExpectAtMost(3);
        var repeats = args.IntOption("repeat") ?? 1;
        var request = new GradeRequest(kata, SubmissionFile.Read(file), Path.GetFileName(file))
        {
            Mode = GradeMode.Explore,
            ReplayTest = token.Test,
            ReplayToken = token.Schedule,
            ReplayRepeats = repeats,
        };

        var json = args.Flag("json");
        var progress = new ProgressLine(errors, live: !json && CommandLine.IsTerminal(errors));
        GradeReport report;
        try { report = await new Grader(CommandLine.GraderOptions(args)).GradeAsync(request, json ? null : progress); }
        catch (InvalidReplayException e) { throw new UsageException(e.Message); }
        finally { progress.Clear(); }
        if (json) output.WriteLine(Json.Serialize(report));
        else
        {
            ReportPrinter.Print(report, output);
            if (repeats > 1 && report.Replay is { Reproduced: true } && report.Findings.All(f => f.Kind != FindingKind.Uncontrolled.ToWireName()))
                output.WriteLine($"Replayed {repeats} times: every run ended the same way.");
        }

        return report.Verdict == Verdicts.Passed ? ExitCodes.Passed : ExitCodes.Failed;
    }
}
