using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>How a grade's stress budget is shared: by what exploration could not cover.</summary>
public sealed class StressBudgetTests
{
    private static StageResult Exploration(params TestReport[] tests) => new(tests, [], false, [], "", false);

    private const double ExploreSeconds = 5;

    /// <summary>A test's exploration; by default it took its whole time budget.</summary>
    private static TestReport Explored(string name, long schedules, bool exhausted = false, string outcome = TestOutcomes.Passed, long durationMs = 5000) =>
        new() { Name = name, Mode = "explore", Outcome = outcome, Runs = schedules, Exhausted = exhausted, DurationMs = durationMs };

    [Fact]
    public void ATestWhoseEveryScheduleWasCoveredGetsTheLeastStress()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Sequential", 4, exhausted: true)), maxSchedules: 2000, ExploreSeconds);

        Assert.Equal(StressBudget.ExhaustedShare, shares["Sequential"]);
    }

    [Fact]
    public void ATestExploredToItsWholeScheduleBudgetGetsAQuarter()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Opposite", 2000)), maxSchedules: 2000, ExploreSeconds);

        Assert.Equal(StressBudget.ExploredShare, shares["Opposite"]);
    }

    [Fact]
    public void ATestWhoseExplorationTimeRanOutGetsMoreTheLessItCovered()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Half", 1000), Explored("Little", 100), Explored("None", 0)), maxSchedules: 2000, ExploreSeconds);

        Assert.Equal(0.5, shares["Half"], 3);
        Assert.Equal(0.95, shares["Little"], 3);
        Assert.Equal(1, shares["None"]);
    }

    [Fact]
    public void ATestWhoseExplorationRanOutOfSchedulesWithoutACertificateGetsAQuarter()
    {
        // Four schedules in 2 ms: every schedule there was, but a timeout ordered operations, so no certificate. It was
        // not cut short by time (that would give it nearly the whole budget).
        var shares = StressBudget.Shares(Exploration(Explored("TimedWaits", 4, durationMs: 2), Explored("CutShort", 4, durationMs: 5100)),
            maxSchedules: 2000, ExploreSeconds);

        Assert.Equal(StressBudget.ExploredShare, shares["TimedWaits"]);
        Assert.Equal(1, shares["CutShort"], 2);
    }

    [Fact]
    public void TestsTheExplorerDidNotJudgeKeepTheirWholeBudget()
    {
        // Unexplored (an API the explorer does not model) and skipped tests get no share: the runner gives them the
        // whole budget (unexplored ones four times it).
        var shares = StressBudget.Shares(Exploration(
            Explored("Unmodelled", 3, outcome: TestOutcomes.Unexplored),
            Explored("OptedOut", 0, outcome: TestOutcomes.Skipped)), maxSchedules: 2000, ExploreSeconds);

        Assert.Empty(shares);
    }
}
