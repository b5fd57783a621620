using System.Text;
using KataServer.Bench.Coyote.Comparison;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Katas;
using KataServer.Testing;

namespace KataServer.Bench.Coyote.Ours;

/// <summary>
/// Our side: the grader as every host calls it, with exploration alone (default portfolio, the kata's budgets),
/// as `kata bench seeds` does. The explorer runs in the grader's sandboxed child process; the figures are the
/// tests' exploring time from the report, not compiling or starting the process.
/// </summary>
public sealed class ExplorerSide(Grader grader)
{
    /// <summary>The explore tests that find the mutant with seed 1 (every explore test when none does).</summary>
    public async Task<IReadOnlyList<string>> TestsThatFindAsync(Kata kata, LoadedMutant mutant)
    {
        var report = await GradeAsync(kata, mutant, seed: 1, onlyTests: []);
        var failed = report.Tests.Where(t => t.Mode == "explore" && t.Outcome == TestOutcomes.Failed).Select(t => t.Name).ToList();
        return failed.Count > 0
            ? failed
            : report.Tests.Where(t => t.Mode == "explore" && t.Outcome != TestOutcomes.Skipped).Select(t => t.Name).ToList();
    }

    public async Task<SeedOutcome> RunAsync(Kata kata, LoadedMutant mutant, ulong seed, IReadOnlyList<string> tests) =>
        Outcome(await GradeAsync(kata, mutant, seed, tests), mutant);

    private Task<GradeReport> GradeAsync(Kata kata, LoadedMutant mutant, ulong seed, IReadOnlyList<string> onlyTests) =>
        grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(mutant.Source.Text), Path.GetFileName(mutant.Source.Path))
        {
            Mode = GradeMode.Explore,
            Seed = seed,
            OnlyTests = onlyTests,
            MeasurePerformance = false,
        });

    private static SeedOutcome Outcome(GradeReport report, LoadedMutant mutant)
    {
        var explored = report.Tests.Where(t => t.Mode == "explore").ToList();
        var failed = explored.Where(t => t.Outcome == TestOutcomes.Failed).ToList();
        var accepted = report.Findings.Where(f => mutant.Spec.AcceptedFindings.Contains(f.Kind)).ToList();
        var found = accepted.Count > 0;
        // A data race alone is reported when the test's exploration ends (after its whole budget): not a first bug.
        var onlyRace = found && accepted.All(f => f.Kind == FindingKind.DataRace.ToWireName());
        string? note = found ? (onlyRace ? "found as a data race (reported at the end of the test's exploration)" : null)
            : report.Findings.Count > 0 ? $"found {string.Join(", ", report.Findings.Select(f => f.Kind).Distinct())}, not what the mutant breaks"
            : report.Verdict is not (Verdicts.Failed or Verdicts.Passed) ? $"grade: {report.Verdict}"
            : report.Notices.Count > 0 ? $"notice: {report.Notices[0].Kind}" : null;
        return new SeedOutcome(
            found,
            found && !onlyRace && failed.Count > 0 ? failed.Min(t => t.Runs) : null,
            explored.Sum(t => t.Runs),
            explored.Sum(t => t.DurationMs),
            note);
    }
}
