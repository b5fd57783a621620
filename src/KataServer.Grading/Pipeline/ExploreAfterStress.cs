using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// When stress fails a test that exploration passed, that test (the first such) is explored again with a larger budget and another
/// explorer seed, so the learner gets what an explored finding gives (an interleaving step by step at their lines,
/// and a replay token), not only a message from real threads. Exploration and stress draw the same test data (the
/// grade's seed), so they run the same program. When the second exploration finds the bug, its finding replaces
/// the stress finding of that test (one bug, told once, the way that teaches); when it does not, the stress finding
/// stands as it was.
/// </summary>
public static class ExploreAfterStress
{
    /// <summary>The second exploration's schedules, in multiples of the kata's explore budget (what <c>validate --exhaustive</c>
    /// and <c>bench seeds</c> use): it only runs for a grade that already fails.</summary>
    public const double BudgetScale = 4;

    /// <summary>Its time per test, in multiples of the kata's: a bug the explorer cannot see at all (one that needs the
    /// hardware's memory model) costs the failing grade this much more, so it is kept below the schedule factor.</summary>
    public const double TimeScale = 2;

    /// <summary>One interleaving teaches the bug; exploring every failed test again would multiply the wait.</summary>
    public const int MaxTests = 1;

    /// <summary>Said after the explored finding's own message, so the learner knows why a stress failure comes with a trace.</summary>
    public const string Note = "(Stress found this test failing on real threads; exploring it again with a larger budget found this interleaving.)";

    /// <summary>The first test stress failed that exploration ran and passed: the one worth exploring again.</summary>
    public static IReadOnlyList<string> TestsToExploreAgain(StageResult explored, StageResult stressed)
    {
        var passedExploring = explored.Tests.Where(t => t.Outcome == TestOutcomes.Passed).Select(t => t.Name).ToHashSet();
        return stressed.Findings.Select(f => f.Test).OfType<string>().Distinct().Where(passedExploring.Contains).Take(MaxTests).ToList();
    }

    /// <summary>The explore request of the grade, narrowed to <paramref name="tests"/>, with the larger budget and a seed of its own
    /// (the first exploration's schedules would only be run again).</summary>
    public static RunRequest Request(RunRequest exploreRequest, IReadOnlyList<string> tests) => exploreRequest with
    {
        Tests = tests,
        Explore = exploreRequest.Explore with
        {
            Seed = unchecked(exploreRequest.Explore.Seed * 6364136223846793005UL + 1442695040888963407UL),
            MaxSchedules = (int)Math.Min(int.MaxValue, exploreRequest.Explore.MaxSchedules * BudgetScale),
            SecondsPerTest = exploreRequest.Explore.SecondsPerTest * TimeScale,
        },
    };

    /// <summary>
    /// The stress stage with each finding the second exploration reproduced replaced by the explored one (trace and
    /// replay token included), and the second exploration's test reports, to be shown beside the stress ones.
    /// </summary>
    public static (StageResult Stressed, IReadOnlyList<TestReport> ExploredAgain) Merge(StageResult stressed, StageResult exploredAgain)
    {
        var found = exploredAgain.Findings.Where(f => f.Test is not null && f.Kind != "uncontrolled").ToList();
        var foundTests = found.Select(f => f.Test!).ToHashSet();
        if (foundTests.Count == 0) return (stressed, []);
        var findings = stressed.Findings.Where(f => f.Test is null || !foundTests.Contains(f.Test))
            .Concat(found.Select(f => f with { Message = f.Message + "\n\n" + Note }))
            .ToList();
        var reports = exploredAgain.Tests.Where(t => foundTests.Contains(t.Name)).ToList();
        return (stressed with { Findings = findings }, reports);
    }
}
