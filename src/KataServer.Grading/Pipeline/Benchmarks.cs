using KataServer.Grading.Reports;
using KataServer.Testing;
using KataServer.Testing.Protocol;
using Microsoft.CodeAnalysis;

namespace KataServer.Grading.Pipeline;

/// <summary>Finds a kata's [KataBenchmark] methods and folds their measurements into one ratio.</summary>
public static class Benchmarks
{
    public static bool Declared(Microsoft.CodeAnalysis.Compilation tests) =>
        TestMethods.MarkedWith(tests, nameof(KataBenchmarkAttribute)).Any();

    /// <summary>The geometric mean, over benchmarks, of the ratio at each benchmark's highest thread count.</summary>
    public static PerformanceReport? Summarize(IReadOnlyList<ThroughputData> throughput)
    {
        var atMostThreads = throughput
            .GroupBy(t => t.Benchmark)
            .Select(g => g.MaxBy(t => t.Threads)!)
            .Where(t => t.Ratio > 0 && double.IsFinite(t.Ratio))
            .ToList();
        if (atMostThreads.Count == 0) return null;
        var ratio = Math.Exp(atMostThreads.Average(t => Math.Log(t.Ratio)));
        if (!double.IsFinite(ratio)) return null; // the runner checks its figures; this keeps a report serialisable regardless
        return new PerformanceReport { Ratio = Math.Round(ratio, 3), Benchmarks = throughput };
    }
}
