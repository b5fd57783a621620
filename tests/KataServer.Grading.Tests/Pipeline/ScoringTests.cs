using KataServer.Grading.Pipeline;
using KataServer.Katas;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Pipeline;

public sealed class ScoringTests
{
    private static readonly KataScoring ThirtyPointsAtHalfSpeed = new() { PerformanceWeight = 30, TargetRatio = 0.5 };

    [Fact]
    public void AnyFindingScoresZero()
    {
        var (score, breakdown) = Scoring.Score(ThirtyPointsAtHalfSpeed, passed: false, throughputRatio: 3.0);

        Assert.Equal(0, score);
        Assert.Equal(0, breakdown.Performance);
    }

    [Fact]
    public void ReachingTheTargetRatioEarnsEveryPerformancePoint()
    {
        Assert.Equal(100, Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: 0.5).Score);
        Assert.Equal(100, Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: 2.0).Score);
    }

    [Fact]
    public void PerformancePointsGrowWithTheRatio()
    {
        var (slow, slowBreakdown) = Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: 0.1);
        var (faster, _) = Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: 0.25);

        Assert.Equal(76, slow);           // 70 for correctness + 30 * 0.1 / 0.5
        Assert.Equal(85, faster);         // 70 + 30 * 0.25 / 0.5
        Assert.Contains("0.10x", slowBreakdown.Explanation);
    }

    [Fact]
    public void UnmeasuredPerformanceIsNotHeldAgainstTheLearner()
    {
        var (score, breakdown) = Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: null);

        Assert.Equal(100, score);
        Assert.Contains("not measured in this mode", breakdown.Explanation);
        Assert.Contains("not measured (this kata has no benchmark)",
            Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, throughputRatio: null, "(this kata has no benchmark)").Breakdown.Explanation);
    }

    [Fact]
    public void RatioIsTheGeometricMeanAtTheHighestThreadCount()
    {
        var report = Benchmarks.Summarize([
            new ThroughputData { Benchmark = "a", Threads = 1, SubmissionOpsPerSecond = 100, ReferenceOpsPerSecond = 100 },
            new ThroughputData { Benchmark = "a", Threads = 4, SubmissionOpsPerSecond = 100, ReferenceOpsPerSecond = 400 },
            new ThroughputData { Benchmark = "b", Threads = 4, SubmissionOpsPerSecond = 400, ReferenceOpsPerSecond = 100 },
        ]);

        Assert.NotNull(report);
        Assert.Equal(1.0, report.Ratio, precision: 3);   // sqrt(0.25 * 4)
        Assert.Null(Benchmarks.Summarize([]));
    }

    [Theory]
    [InlineData(double.PositiveInfinity, 100.0)]
    [InlineData(1e308, 1e-308)]
    [InlineData(double.NaN, 100.0)]
    [InlineData(-5.0, 100.0)]
    [InlineData(1e12, 1e6)]      // a million times the reference: no honest speed-up
    [InlineData(1e15, 1e15)]     // more operations per second than a CPU can do
    public void ImplausibleThroughputIsNeverScored(double submission, double reference)
    {
        var report = Benchmarks.Summarize([new ThroughputData { Benchmark = "a", Threads = 2, SubmissionOpsPerSecond = submission, ReferenceOpsPerSecond = reference }]);

        Assert.NotNull(report);
        Assert.NotNull(report.NotScoredBecause);
        Assert.Equal(0, report.Ratio);
        Assert.All(report.Benchmarks, b => Assert.True(double.IsFinite(b.SubmissionOpsPerSecond) && double.IsFinite(b.Ratio)));
        System.Text.Json.JsonSerializer.Serialize(report); // writable as JSON

        var (score, breakdown) = Scoring.Score(ThirtyPointsAtHalfSpeed, passed: true, report.Ratio, notScoredBecause: report.NotScoredBecause);
        Assert.Equal(70, score);
        Assert.Equal(0, breakdown.Performance);
        Assert.Contains("no performance points", breakdown.Explanation);
    }
}
