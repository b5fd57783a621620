using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Grading.Runs;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>How a grade's stress budget is shared: by what exploration could not cover.</summary>
public sealed class StressBudgetTests
{
    private static StageResult Exploration(params TestReport[] tests) => new(tests, [], false, [], "", false);

    private static TestReport Explored(string name, long schedules, bool exhausted = false, string outcome = TestOutcomes.Passed) =>
        new() { Name = name, Mode = "explore", Outcome = outcome, Runs = schedules, Exhausted = exhausted };

    [Fact]
    public void ATestWhoseEveryScheduleWasCoveredGetsTheLeastStress()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Sequential", 4, exhausted: true)), maxSchedules: 2000);

        Assert.Equal(StressBudget.ExhaustedShare, shares["Sequential"]);
    }

    [Fact]
    public void ATestExploredToItsWholeScheduleBudgetGetsAQuarter()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Opposite", 2000)), maxSchedules: 2000);

        Assert.Equal(StressBudget.ExploredShare, shares["Opposite"]);
    }

    [Fact]
    public void ATestWhoseExplorationTimeRanOutGetsMoreTheLessItCovered()
    {
        var shares = StressBudget.Shares(Exploration(Explored("Half", 1000), Explored("Little", 100), Explored("None", 0)), maxSchedules: 2000);

        Assert.Equal(0.5, shares["Half"], 3);
        Assert.Equal(0.95, shares["Little"], 3);
        Assert.Equal(1, shares["None"]);
    }

    [Fact]
    public void TestsTheExplorerDidNotJudgeKeepTheirWholeBudget()
    {
        // Unexplored (an API the explorer does not model) and skipped tests get no share: the runner gives them the
        // whole budget (unexplored ones four times it).
        var shares = StressBudget.Shares(Exploration(
            Explored("Unmodelled", 3, outcome: TestOutcomes.Unexplored),
            Explored("OptedOut", 0, outcome: TestOutcomes.Skipped)), maxSchedules: 2000);

        Assert.Empty(shares);
    }
}
