using KataServer.Grading.Reports;
using KataServer.Testing;
using KataServer.Testing.Protocol;
using Microsoft.CodeAnalysis;

namespace KataServer.Grading.Pipeline;

/// <summary>Finds a kata's [KataBenchmark] methods and folds their measurements into one ratio.</summary>
public static class Benchmarks
{
    /// <summary>No submission is this much faster than a kata's reference by honest means: a figure beyond it is a broken or forged measurement.</summary>
    public const double MaxPlausibleRatio = 50;

    /// <summary>Operations per second no benchmark operation (a call into synchronised code) can reach on one thread.</summary>
    public const double MaxPlausibleOpsPerSecondPerThread = 5e9;

    public static bool Declared(Microsoft.CodeAnalysis.Compilation tests) =>
        TestMethods.MarkedWith(tests, nameof(KataBenchmarkAttribute)).Any();

    /// <summary>
    /// The geometric mean, over benchmarks, of the ratio at each benchmark's highest thread count. Figures that are not
    /// finite, not positive or beyond what the machine can do are never scored: the report says why and the ratio is 0.
    /// </summary>
    public static PerformanceReport? Summarize(IReadOnlyList<ThroughputData> throughput)
    {
        if (throughput.Count == 0) return null;
        if (throughput.Select(Implausible).FirstOrDefault(reason => reason is not null) is { } why)
        {
            return new PerformanceReport
            {
                Ratio = 0,
                // Non-finite numbers cannot even be written as JSON: the report keeps only the benchmark names.
                Benchmarks = throughput.Select(t => new ThroughputData { Benchmark = t.Benchmark, Threads = t.Threads }).ToList(),
                NotScoredBecause = why,
            };
        }

        var atMostThreads = throughput
            .GroupBy(t => t.Benchmark)
            .Select(g => g.MaxBy(t => t.Threads)!)
            .ToList();
        var ratio = Math.Exp(atMostThreads.Average(t => Math.Log(t.Ratio)));
        return new PerformanceReport { Ratio = Math.Round(ratio, 3), Benchmarks = throughput };
    }

    private static string? Implausible(ThroughputData t)
    {
        var where = $"benchmark {t.Benchmark} on {t.Threads} threads";
        if (!double.IsFinite(t.SubmissionOpsPerSecond) || !double.IsFinite(t.ReferenceOpsPerSecond) || t.SubmissionOpsPerSecond <= 0 || t.ReferenceOpsPerSecond <= 0)
            return $"the throughput measured for {where} is not a positive finite number";
        if (t.Threads < 1 || t.SubmissionOpsPerSecond / t.Threads > MaxPlausibleOpsPerSecondPerThread || t.ReferenceOpsPerSecond / t.Threads > MaxPlausibleOpsPerSecondPerThread)
            return $"the throughput measured for {where} is more than this machine can do";
        if (!double.IsFinite(t.Ratio) || t.Ratio > MaxPlausibleRatio)
            return $"your code measured {t.Ratio:0.#}x the reference's throughput in {where}, beyond any honest speed-up ({MaxPlausibleRatio}x)";
        return null;
    }
}
