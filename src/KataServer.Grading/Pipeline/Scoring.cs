using KataServer.Grading.Reports;
using KataServer.Katas;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// Correctness is a gate: any finding means the kata is not passed and scores 0. A passed kata earns
/// the correctness points, plus performance points in proportion to its throughput against the
/// reference (measured in the same run), up to the kata's target ratio.
/// </summary>
public static class Scoring
{
    /// <param name="notMeasuredBecause">why <paramref name="throughputRatio"/> is null, as the end of "performance was not measured ..."</param>
    /// <param name="notScoredBecause">why the measurement could not be trusted (<see cref="PerformanceReport.NotScoredBecause"/>): no performance points</param>
    public static (int Score, ScoreBreakdown Breakdown) Score(KataScoring scoring, bool passed, double? throughputRatio, string notMeasuredBecause = "in this mode", string? notScoredBecause = null)
    {
        var performanceMax = Math.Clamp(scoring.PerformanceWeight, 0, 100);
        var correctness = 100 - performanceMax;
        if (!passed)
        {
            return (0, new ScoreBreakdown
            {
                Correctness = 0,
                Performance = 0,
                PerformanceMax = performanceMax,
                Explanation = "not passed: correctness comes first, so the score is 0 until every finding is fixed",
            });
        }

        if (notScoredBecause is not null)
        {
            return (correctness, new ScoreBreakdown
            {
                Correctness = correctness,
                Performance = 0,
                PerformanceMax = performanceMax,
                Explanation = $"passed: {correctness} for correctness; no performance points, because {notScoredBecause}",
            });
        }

        if (throughputRatio is not { } ratio)
        {
            return (correctness + performanceMax, new ScoreBreakdown
            {
                Correctness = correctness,
                Performance = performanceMax,
                PerformanceMax = performanceMax,
                Explanation = $"passed: {correctness} for correctness; performance was not measured {notMeasuredBecause}, so its {performanceMax} points are given in full",
            });
        }

        var performance = (int)Math.Round(performanceMax * Math.Clamp(ratio / scoring.TargetRatio, 0, 1));
        return (correctness + performance, new ScoreBreakdown
        {
            Correctness = correctness,
            Performance = performance,
            PerformanceMax = performanceMax,
            Explanation = $"passed: {correctness} for correctness; throughput {ratio:0.00}x the reference's (target {scoring.TargetRatio:0.##}x) earns {performance} of {performanceMax} performance points",
        });
    }
}
