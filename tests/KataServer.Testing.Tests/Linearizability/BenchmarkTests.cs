using KataServer.Testing.Linearizability;
using Xunit.Abstractions;

namespace KataServer.Testing.Tests.Linearizability;

[Collection("Linearizability real threads")]
public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public void QuickBenchmarkProducesATable()
    {
        var table = LinearizabilityBenchmark.Run(LinearizabilityBenchmark.Settings.Quick);
        output.WriteLine(table);
        Assert.StartsWith("| measurement | size | result | target |", table, StringComparison.Ordinal);
        Assert.Contains("3-thread x 5-op scenario", table, StringComparison.Ordinal);
        Assert.Contains("recording overhead per operation", table, StringComparison.Ordinal);
        Assert.DoesNotContain("violation found |", table.Split('\n').Where(l => l.Contains("map history", StringComparison.Ordinal)).FirstOrDefault() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void SyntheticHistoriesAreLinearizable()
    {
        var h = LinearizabilityBenchmark.SyntheticHistory("map", 5, 8, 2000, 6);
        Assert.True(LinearizabilityChecker.Check(new MapModel(), h).IsLinearizable);
        Assert.True(LinearizabilityBenchmark.Overlap(h) > 5);
    }

    [Fact]
    public void CheckerStopsAtItsBudget()
    {
        var h = LinearizabilityBenchmark.SyntheticHistory("queue", 1, 8, 3000, 6);
        var result = LinearizabilityChecker.Check(new QueueModel(), h, new CheckOptions { MaxSteps = 20_000 });
        Assert.False(result.IsLinearizable && result.Steps > 20_000);
        if (!result.IsLinearizable)
        {
            Assert.True(result.TimedOut);
            Assert.False(result.IsViolation);
            Assert.Contains("Undecided", result.Explanation, StringComparison.Ordinal);
        }

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = LinearizabilityChecker.Check(new QueueModel(), h, new CheckOptions { CancellationToken = cts.Token });
        Assert.True(cancelled.IsLinearizable || cancelled.TimedOut);
    }
}
