using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Grading.Sandbox;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// The explore stage of a grade: its tests dealt to <see cref="GraderOptions.ExploreRunners"/> sandboxed runners that
/// explore side by side (an exploration keeps its threads on one CPU, so each runner has a core of its own on a
/// two-core worker). With <see cref="GraderOptions.StopAtFirstFinding"/>, each runner first explores every test's
/// first schedules (<see cref="QuickPassShare"/> of the budget) and stops at its first failing test, and the first
/// runner that fails the grade stops the others: their unfinished tests are reported skipped
/// (<see cref="SkippedAfterFinding"/>). Every test that runs explores the same schedules as it would alone.
/// </summary>
public static class ExploreStage
{
    /// <summary>The quick pass: this share of each test's schedules, explored for every test before any test's whole
    /// budget. Almost every bug the katas' mutants plant shows in the first 25 schedules (docs/benchmarks.md).</summary>
    public const double QuickPassShare = 1.0 / 40;

    /// <summary>What a test skipped after the grade's first failing test says.</summary>
    public const string SkippedAfterFinding = "not run: the grade stopped at its first failing test";

    /// <summary>The quick pass's schedules for a budget of <paramref name="maxSchedules"/> per test.</summary>
    public static int QuickPassSchedules(int maxSchedules) => Math.Max(1, (int)(maxSchedules * QuickPassShare));

    /// <summary>The tests that explore, dealt in turn to up to <paramref name="runners"/> groups (none empty); a test
    /// that opts out of exploration goes with the first group (its runner reports it skipped).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Deal(RunPlan plan, int runners)
    {
        var explored = plan.Tests.Where(t => t.Explore).Select(t => t.Name).ToList();
        var count = Math.Clamp(Math.Min(runners, explored.Count), 1, int.MaxValue);
        var groups = Enumerable.Range(0, count).Select(_ => new List<string>()).ToList();
        for (var i = 0; i < explored.Count; i++) groups[i % count].Add(explored[i]);
        groups[0].AddRange(plan.Tests.Where(t => !t.Explore).Select(t => t.Name));
        return groups;
    }

    /// <summary>Whether a finding fails the grade (the explorer's blind spot, "uncontrolled", does not: stress judges that test).</summary>
    public static bool FailsTheGrade(FindingData finding) => finding.Kind != FindingKind.Uncontrolled.ToWireName();

    public static async Task<StageResult> RunAsync(RunnerLauncher launcher, JobFolder job, RunRequest request, RunPlan plan, Func<IReadOnlyList<string>, RunPlan> planFor,
        int runners, SandboxLimits limits, Action<GradeProgress> progress, CancellationToken cancellationToken)
    {
        var groups = Deal(plan, runners);
        if (groups.Count == 1) return await launcher.RunAsync(job, request, plan, limits, progress, cancellationToken);

        using var stop = new CancellationTokenSource();
        var parts = groups.Select(async tests =>
        {
            var part = await launcher.RunAsync(job, request with { Tests = tests }, planFor(tests), limits, progress, cancellationToken, stop.Token);
            if (request.Explore.StopAtFirstFinding && part.Findings.Any(FailsTheGrade)) await stop.CancelAsync();
            return part;
        }).ToList();
        return Merge(plan, await Task.WhenAll(parts));
    }

    /// <summary>The parts' results as one stage, as one runner would report them: tests and findings in the plan's order
    /// (findings about the whole run first); a finding about the whole run (no test: a tampered state or a forged report,
    /// which every runner sees) is said once.</summary>
    public static StageResult Merge(RunPlan plan, IReadOnlyList<StageResult> parts)
    {
        var order = plan.Tests.Select((t, i) => (t.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var findings = new List<FindingData>();
        foreach (var finding in parts.SelectMany(p => p.Findings).OrderBy(f => f.Test is null ? -1 : order.GetValueOrDefault(f.Test, int.MaxValue)))
            if (finding.Test is not null || !findings.Any(f => f.Test is null && f.Kind == finding.Kind && f.Message == finding.Message))
                findings.Add(finding);
        return new StageResult(
            parts.SelectMany(p => p.Tests).OrderBy(t => order.GetValueOrDefault(t.Name, int.MaxValue)).ToList(),
            findings,
            parts.Any(p => p.Crashed),
            parts.SelectMany(p => p.IsolationLayers).Distinct().ToList(),
            string.Concat(parts.Select(p => p.Output)),
            parts.Any(p => p.OutputTruncated));
    }

    /// <summary>The explored tests skipped after a failing test (stopped at the first finding) say why.</summary>
    public static StageResult ExplainSkips(StageResult explored, RunPlan plan)
    {
        if (!explored.Findings.Any(FailsTheGrade)) return explored;
        var explores = plan.Tests.Where(t => t.Explore).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return explored with
        {
            Tests = explored.Tests.Select(t => t.Outcome == TestOutcomes.Skipped && explores.Contains(t.Name) ? t with { SkippedBecause = SkippedAfterFinding } : t).ToList(),
        };
    }
}
