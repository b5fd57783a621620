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
    /// <summary>
    /// The kata test that finds the mutant: the first (in the suite's order) that fails under our explorer with seed 1
    /// with a finding the mutant accepts; every explore test when none does (then both engines run them all).
    /// </summary>
    public async Task<IReadOnlyList<string>> TestThatFindsAsync(Kata kata, LoadedMutant mutant)
    {
        var report = await GradeAsync(kata, mutant, seed: 1, onlyTests: []);
        var finder = report.Tests.FirstOrDefault(t => t.Mode == "explore" && t.Outcome == TestOutcomes.Failed &&
            report.Findings.Any(f => f.Test == t.Name && mutant.Spec.AcceptedFindings.Contains(f.Kind)));
        return finder is not null
            ? [finder.Name]
            : report.Tests.Where(t => t.Mode == "explore" && t.Outcome != TestOutcomes.Skipped).Select(t => t.Name).ToList();
    }

    public async Task<SeedOutcome> RunAsync(Kata kata, LoadedMutant mutant, ulong seed, IReadOnlyList<string> tests) =>
        Outcome(await GradeAsync(kata, mutant, seed, tests), mutant);

    /// <summary>The kata's reference solution with seed 1: every schedule runs to its end (the rate a passing grade
    /// sees), and any finding is a false alarm.</summary>
    public async Task<(long Schedules, double Milliseconds, string? FalseAlarm)> RunReferenceAsync(Kata kata, IReadOnlyList<string> tests)
    {
        var report = await GradeAsync(kata, kata.Reference, seed: 1, tests);
        var explored = report.Tests.Where(t => t.Mode == "explore").ToList();
        var alarm = report.Findings.FirstOrDefault();
        return (explored.Sum(t => t.Runs), explored.Sum(t => t.DurationMs), alarm is null ? null : $"{alarm.Test}: {alarm.Kind}");
    }

    private Task<GradeReport> GradeAsync(Kata kata, LoadedMutant mutant, ulong seed, IReadOnlyList<string> onlyTests) =>
        GradeAsync(kata, mutant.Source, seed, onlyTests);

    private Task<GradeReport> GradeAsync(Kata kata, SourceText solution, ulong seed, IReadOnlyList<string> onlyTests) =>
        grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(solution.Text), Path.GetFileName(solution.Path))
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
