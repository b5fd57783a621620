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
}
