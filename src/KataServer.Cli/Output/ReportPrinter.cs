using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Output;

/// <summary>Renders a grade report for a person at a terminal. Everything taken from the report goes through
/// <see cref="TerminalText"/>: no character of it can reach the terminal as a control sequence.</summary>
public static class ReportPrinter
{
    private const string Red = "\u001b[1;31m", Reset = "\u001b[0m";

    /// <param name="color">Write the "unsafe sandbox" warning in red (for a terminal).</param>
    public static void Print(GradeReport report, TextWriter terminal, bool color = false)
    {
        if (report.Run?.IsolationLayers.FirstOrDefault(l => l.StartsWith("unsafe sandbox", StringComparison.Ordinal)) is { } unsafeSandbox)
        {
            // The one thing written unescaped is our own colour around our own words.
            var warning = "UNSAFE SANDBOX: " + TerminalText.Escape(unsafeSandbox) + " (a trusted development machine only)";
            terminal.WriteLine(color ? Red + warning + Reset : warning);
        }

        using var output = new TerminalText.EscapingWriter(terminal);
        PrintEscaped(report, output);
        output.Flush();
    }

    private static void PrintEscaped(GradeReport report, TextWriter output)
    {
        var headline = report.Verdict switch
        {
            Verdicts.Passed => "PASSED",
            Verdicts.CompileError => "DOES NOT COMPILE",
            Verdicts.PolicyViolation => "USES FORBIDDEN APIS",
            Verdicts.Timeout => "TIMED OUT",
            Verdicts.Crashed => "CRASHED",
            _ => "FAILED",
        };
        if (report.Replay is { } replay)
        {
            // A replay is one interleaving of one test: never a verdict or a score for the kata.
            output.WriteLine(replay.Reproduced
                ? $"{report.Kata}: replay of {replay.Test}: the interleaving still fails ({headline})"
                : $"{report.Kata}: replay of {replay.Test}: {replay.Message}");
        }
        else
        {
            output.WriteLine($"{report.Kata}: {headline}   score {report.Score}/100");
            if (report.ScoreBreakdown is { } breakdown) output.WriteLine($"  {breakdown.Explanation}");
        }

        if (report.Tests.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Tests:");
            foreach (var test in report.Tests)
            {
                var mark = test.Outcome switch { TestOutcomes.Passed => "ok  ", TestOutcomes.Failed => "FAIL", TestOutcomes.Unexplored => "n/a ", _ => "skip" };
                var runs = test.Runs > 0 ? $"{test.Runs} {(test.Mode == "explore" ? "schedules" : "iterations")}" : "";
                var certificate = test.Exhausted == true ? ", every schedule covered" : "";
                output.WriteLine(test.SkippedBecause is { } why
                    ? $"  {mark} {test.Name,-40} {test.Mode,-7} {why}"
                    : $"  {mark} {test.Name,-40} {test.Mode,-7} {runs}{certificate} {test.DurationMs} ms");
            }
        }

        if (report.Findings.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Findings:");
            foreach (var finding in report.Findings) PrintFinding(finding, output);
        }

        if (report.Notices.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(report.Replay is null ? "Not explored (these tests were judged by real-thread stress alone):" : "What the replay saw:");
            foreach (var notice in report.Notices) output.WriteLine($"  {notice.Test}: {notice.Message}");
        }

        if (report.Run is { } run)
        {
            if (!string.IsNullOrWhiteSpace(run.Output))
            {
                output.WriteLine();
                output.WriteLine($"Your code printed{(run.OutputTruncated ? " (truncated)" : "")}:");
                foreach (var line in run.Output.TrimEnd().Split('\n').Take(20)) output.WriteLine($"  | {line}");
            }

            if (run.IsolationLayers.Count > 0) output.WriteLine($"\nIsolation: {string.Join("; ", run.IsolationLayers)}");
        }

        var t = report.TimingsMs;
        output.WriteLine($"Time: compile {t.Compile} ms, policy {t.Police} ms, rewrite {t.Rewrite} ms, explore {t.Explore} ms, stress {t.Stress} ms, measure {t.Measure} ms, total {t.Total} ms");
    }

    private static void PrintFinding(FindingData finding, TextWriter output)
    {
        var test = finding.Test is null ? "" : $" in {finding.Test}";
        output.WriteLine($"  [{finding.Kind}]{test}: {finding.Message}");
        if (finding.Trace is { Count: > 0 } trace) TracePrinter.Print(trace, output, TracePrinter.TerminalWidth());
        if (finding.Replay is not null) output.WriteLine($"    replay: {finding.Replay}");
    }
}
