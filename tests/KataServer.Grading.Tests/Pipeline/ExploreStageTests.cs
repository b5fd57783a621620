using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// The explore stage: tests dealt to runners side by side, and a full grade that stops at its first failing test,
/// reporting the tests it did not run as skipped with the reason, while a grade told not to stop still finds every
/// failing test.
/// </summary>
public sealed class ExploreStageTests
{
    private static readonly RunPlan Plan = new(
        [new("A", Explore: true, Stress: true), new("B", Explore: true, Stress: true), new("StressOnly", Explore: false, Stress: true), new("C", Explore: true, Stress: true)],
        [], [1, 2]);

    [Fact]
    public void Explored_tests_are_dealt_in_turn_and_a_stress_only_test_goes_with_the_first_runner()
    {
        Assert.Equal([["A", "C", "StressOnly"], ["B"]], ExploreStage.Deal(Plan, 2));
        Assert.Equal([["A", "B", "C", "StressOnly"]], ExploreStage.Deal(Plan, 1));
        // Never an empty runner: more runners than tests gives one test each.
        Assert.Equal(3, ExploreStage.Deal(Plan, 8).Count);
    }

    [Fact]
    public void Parts_merge_into_one_stage_in_the_plans_order()
    {
        static TestReport T(string name, string outcome) => new() { Name = name, Outcome = outcome, Mode = "explore" };
        var first = new StageResult([T("A", TestOutcomes.Failed), T("C", TestOutcomes.Skipped), T("StressOnly", TestOutcomes.Skipped)],
            [new FindingData { Kind = "lost-update", Test = "A" }], false, ["layer"], "out 1 ", false);
        var second = new StageResult([T("B", TestOutcomes.Passed)], [], false, ["layer"], "out 2", true);

        var merged = ExploreStage.ExplainSkips(ExploreStage.Merge(Plan, [first, second]), Plan);

        Assert.Equal(["A", "B", "StressOnly", "C"], merged.Tests.Select(t => t.Name));
        Assert.Equal("A", Assert.Single(merged.Findings).Test);
        Assert.Equal(["layer"], merged.IsolationLayers);
        Assert.Equal("out 1 out 2", merged.Output);
        Assert.True(merged.OutputTruncated);
        // Only an explored test that the stop left unrun says so; the stress-only test was never the explorer's.
        Assert.Equal(ExploreStage.SkippedAfterFinding, merged.Tests.Single(t => t.Name == "C").SkippedBecause);
        Assert.Null(merged.Tests.Single(t => t.Name == "StressOnly").SkippedBecause);
    }

    [Fact]
    public void Findings_come_in_the_plans_order_whichever_runner_found_them()
    {
        // Runner 1 explores A and C, runner 2 explores B: the report reads as one runner's would (A, B, C).
        var first = new StageResult([], [new FindingData { Kind = "lost-update", Test = "A" }, new FindingData { Kind = "invariant", Test = "C" }], false, [], "", false);
        var second = new StageResult([], [new FindingData { Kind = "deadlock", Test = "B" }], false, [], "", false);

        Assert.Equal(["A", "B", "C"], ExploreStage.Merge(Plan, [first, second]).Findings.Select(f => f.Test));
    }

    [Fact]
    public void A_finding_about_the_whole_run_that_every_runner_saw_is_said_once()
    {
        static StageResult Part(params FindingData[] findings) => new([], findings, false, [], "", false);
        var tampered = new FindingData { Kind = "integrity", Message = "the run's report could not be trusted: the driver was replaced" };
        var merged = ExploreStage.Merge(Plan, [
            Part(tampered, new FindingData { Kind = "lost-update", Test = "A", Message = "lost" }),
            Part(tampered with { }, new FindingData { Kind = "lost-update", Test = "B", Message = "lost" }),
            Part(new FindingData { Kind = "integrity", Message = "another reason" }),
        ]);

        Assert.Equal(["integrity:", "integrity:", "lost-update:A", "lost-update:B"], merged.Findings.Select(f => $"{f.Kind}:{f.Test}"));
        Assert.Equal("another reason", merged.Findings[1].Message);
    }

    [Fact]
    public async Task A_failing_grade_stops_at_its_first_failing_test_and_one_told_not_to_finds_every_one()
    {
        // A compare-and-swap tried once loses hits in three of hit-counter's four tests.
        var kata = Repository.Kata("hit-counter");
        var source = kata.Mutants.Single(m => m.Name == "cas-without-retry").Source.Text;
        var everyTest = new Grader(new GraderOptions { StopAtFirstFinding = false, ExploreRunners = 1 });
        // Two runners whether or not a core is idle (on a busy machine the grader would use one): the stop crosses runners.
        var twoRunners = new Grader(new GraderOptions { ExploreRunners = 2, ExploreRunnersOnIdleCoresOnly = false });

        var stopped = await twoRunners.GradeAsync(new GradeRequest(kata, System.Text.Encoding.UTF8.GetBytes(source), "Solution.cs"));
        var complete = await everyTest.GradeAsync(new GradeRequest(kata, System.Text.Encoding.UTF8.GetBytes(source), "Solution.cs"));

        Assert.Equal(Verdicts.Failed, complete.Verdict);
        Assert.Equal(3, complete.Findings.Count);
        Assert.DoesNotContain(complete.Tests, t => t.Outcome == TestOutcomes.Skipped);

        Assert.Equal(Verdicts.Failed, stopped.Verdict);
        Assert.All(stopped.Findings, f => Assert.Equal("lost-update", f.Kind));
        // One finding per runner at most (each stops at its first), and every test is reported once, none by stress.
        Assert.InRange(stopped.Findings.Count, 1, 2);
        Assert.Equal(complete.Tests.Select(t => t.Name).Order(), stopped.Tests.Select(t => t.Name).Order());
        Assert.All(stopped.Tests, t => Assert.Equal(GradeProgress.Explore, t.Mode));
        var skipped = stopped.Tests.Where(t => t.Outcome == TestOutcomes.Skipped).ToList();
        Assert.NotEmpty(skipped);
        Assert.All(skipped, t => Assert.Equal(ExploreStage.SkippedAfterFinding, t.SkippedBecause));
    }
}
