using System.Text.Json;
using System.Text.Json.Nodes;
using KataServer.Platform.Data;
using KataServer.Web.Submissions;

namespace KataServer.Web.Screenings;

/// <summary>
/// What a candidate may see of a grading when the screening hides findings: the verdict, each test's name and
/// whether it passed, and compiler and policy messages (about their own code). Everything else of the report (findings,
/// interleavings, replay tokens, notices, output, the score breakdown) and the progress messages stay with the interviewer.
/// </summary>
public static class CandidateReports
{
    public sealed record TestOutcome(string Name, string Outcome);
    public sealed record PassFailReport(string Kata, string Verdict, IReadOnlyList<TestOutcome> Tests, JsonElement? Diagnostics, bool FindingsHidden = true);
    public sealed record PassFailProgress(string Stage, long? Done, long? Total, string? Test);

    public static bool Hides(Screening screening) => screening.FindingsShown == FindingsModes.PassFail;

    public static object? Report(Screening screening, JsonElement? report) =>
        report is { } full && Hides(screening) ? PassFail(full) : report;

    public static object Progress(Screening screening, SubmissionEvents.ProgressData step) =>
        Hides(screening) ? new PassFailProgress(step.Stage, step.Done, step.Total, step.Test) : step;

    public static object Done(Screening screening, SubmissionEvents.DoneData done) =>
        Hides(screening) ? new { done.Id, done.Status, Report = Report(screening, done.Report), done.Error } : done;

    public static object View(Screening screening, Submission s)
    {
        var view = SubmissionEndpoints.View(s);
        if (!Hides(screening)) return view;
        return new { view.Id, view.Kata, view.Mode, view.Status, view.CreatedAt, view.FinishedAt, Report = Report(screening, view.Report), view.Code, view.Attempt, view.Error };
    }

    private static PassFailReport PassFail(JsonElement report)
    {
        var node = JsonNode.Parse(report.GetRawText())!.AsObject();
        var tests = node["tests"]?.AsArray().Select(t => new TestOutcome((string?)t!["name"] ?? "", (string?)t["outcome"] ?? "")).ToList() ?? [];
        var verdict = (string?)node["verdict"] ?? "";
        JsonElement? diagnostics = verdict is "compile_error" or "policy_violation" && report.TryGetProperty("diagnostics", out var d) ? d.Clone() : null;
        return new PassFailReport((string?)node["kata"] ?? "", verdict, tests, diagnostics);
    }
}
