using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Runs;

/// <summary>What one sandboxed runner (explore or stress) reported, and how its process ended.</summary>
public sealed record StageResult(
    IReadOnlyList<TestReport> Tests,
    IReadOnlyList<FindingData> Findings,
    bool Crashed,
    IReadOnlyList<string> IsolationLayers,
    string Output,
    bool OutputTruncated)
{
    /// <summary>Throughput figures of a measure run.</summary>
    public IReadOnlyList<ThroughputData> Throughput { get; init; } = [];
}
