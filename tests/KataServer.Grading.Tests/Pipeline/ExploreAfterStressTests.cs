using System.Text;
using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// A bug stress found and exploration missed is explored again with a larger budget, so the learner gets a trace
/// and a replay token instead of only a stress message.
/// </summary>
public sealed class ExploreAfterStressTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private static TestReport Test(string name, string outcome, string mode = "explore") => new() { Name = name, Outcome = outcome, Mode = mode };

    private static FindingData Finding(string test, string kind = "lost-update", string message = "lost") => new() { Kind = kind, Test = test, Message = message };

    private static StageResult Stage(IReadOnlyList<TestReport> tests, IReadOnlyList<FindingData> findings) => new(tests, findings, false, [], "", false);

    [Fact]
    public void TheFirstTestThatExplorationPassedAndStressFailedIsExploredAgain()
    {
        var explored = Stage([Test("A", TestOutcomes.Passed), Test("B", TestOutcomes.Passed), Test("C", TestOutcomes.Unexplored), Test("D", TestOutcomes.Passed)], []);
        var stressed = Stage([Test("A", TestOutcomes.Passed, "stress"), Test("B", TestOutcomes.Failed, "stress"), Test("C", TestOutcomes.Failed, "stress"), Test("D", TestOutcomes.Failed, "stress")],
            [Finding("C"), Finding("B"), Finding("B", "not-linearizable"), Finding("D")]);

        Assert.Equal(["B"], ExploreAfterStress.TestsToExploreAgain(explored, stressed));
        Assert.Empty(ExploreAfterStress.TestsToExploreAgain(explored, Stage(stressed.Tests, [Finding("C")])));
    }

    [Fact]
    public void TheSecondExplorationHasTheLargerBudgetItsOwnSeedAndTheSameTestData()
    {
        var first = new RunRequest
        {
            Mode = RunMode.Explore,
            DataSeed = 77,
            Explore = new ExploreSettings { Seed = 77, MaxSchedules = 2000, SecondsPerTest = 5 },
        };

        var again = ExploreAfterStress.Request(first, ["A"]);

        Assert.Equal(["A"], again.Tests);
        Assert.Equal(77UL, again.DataSeed);
        Assert.NotEqual(77UL, again.Explore.Seed);
        Assert.Equal(8000, again.Explore.MaxSchedules);
        Assert.Equal(10, again.Explore.SecondsPerTest);
    }

    [Fact]
    public void AReproducedFindingReplacesTheStressOneAndTheOthersStay()
    {
        var stressed = Stage([Test("A", TestOutcomes.Failed, "stress"), Test("B", TestOutcomes.Failed, "stress")],
            [Finding("A", message: "stress saw A"), Finding("B", message: "stress saw B")]);
        var explored = new FindingData { Kind = "lost-update", Test = "A", Message = "explored A", Replay = "A@ks1.xyz", Trace = [new TraceStepData { Step = 0, Thread = 1, ThreadName = "thread 1", Action = "read" }] };
        var again = Stage([Test("A", TestOutcomes.Failed), Test("B", TestOutcomes.Passed)], [explored]);

        var (merged, reports) = ExploreAfterStress.Merge(stressed, again);

        Assert.Equal(["explored A\n\n" + ExploreAfterStress.Note, "stress saw B"], merged.Findings.Select(f => f.Message).Order());
        Assert.Equal("A@ks1.xyz", merged.Findings.Single(f => f.Test == "A").Replay);
        Assert.Equal(["A"], reports.Select(r => r.Name));
    }

    [Fact]
    public void AnUncontrolledSecondExplorationLeavesTheStressFinding()
    {
        var stressed = Stage([Test("A", TestOutcomes.Failed, "stress")], [Finding("A", message: "stress saw A")]);
        var again = Stage([Test("A", TestOutcomes.Failed)], [Finding("A", "uncontrolled", "blocked in an API the engine does not control")]);

        var (merged, reports) = ExploreAfterStress.Merge(stressed, again);

        Assert.Same(stressed, merged);
        Assert.Empty(reports);
    }

    [Fact]
    public async Task AGradeWhoseExplorationWasTooShortStillGivesTheLearnerATraceAndAReplayToken()
    {
        // One schedule is too few (the first runs each thread to its end): exploration passes, stress finds the lost
        // hit, and the second exploration (four schedules, another seed) of the first failed test finds it with its interleaving.
        var kata = Repository.Kata("hit-counter");
        kata = kata with { Manifest = kata.Manifest with { Budgets = kata.Manifest.Budgets with { ExploreSchedules = 1 } } };
        var mutant = kata.Mutants.Single(m => m.Name == "cas-without-retry");

        var report = await fixture.Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(mutant.Source.Text), "Solution.cs")
        {
            Seed = 1,
            MeasurePerformance = false,
        });

        Assert.Equal(Verdicts.Failed, report.Verdict);
        var explored = report.Findings.Where(f => f.Message.Contains(ExploreAfterStress.Note, StringComparison.Ordinal)).ToList();
        Assert.Single(explored);
        foreach (var finding in explored)
        {
            Assert.Equal("lost-update", finding.Kind);
            Assert.StartsWith(finding.Test + "@", finding.Replay);
            Assert.NotEmpty(finding.Trace!);
            Assert.Contains(report.Tests, t => t.Name == finding.Test && t.Mode == "explore" && t.Outcome == TestOutcomes.Failed);
            Assert.Contains(report.Tests, t => t.Name == finding.Test && t.Mode == "stress" && t.Outcome == TestOutcomes.Failed);
        }

        // One finding per test: the stress message of a test the second exploration reproduced is not repeated.
        Assert.Equal(report.Findings.Count, report.Findings.Select(f => f.Test).Distinct().Count());
    }
}
