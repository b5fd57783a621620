using KataServer.Testing.Protocol;

namespace KataServer.Grading.Reports;

/// <summary>
/// The result of grading one submission: plain data, serialised as the CLI's --json output and
/// stored by the server. Field names are a stable public format.
/// </summary>
public sealed record GradeReport
{
    public string Kata { get; init; } = "";
    public string Verdict { get; init; } = Verdicts.Failed;
    /// <summary>The file could not be read as C# source at all (empty, binary, not UTF-8, too large).</summary>
    public bool InputRejected { get; init; }
    public int Score { get; init; }
    public ScoreBreakdown? ScoreBreakdown { get; init; }
    /// <summary>Throughput against the kata's reference, measured in the same run (<c>measured: false</c> when not).</summary>
    public PerformanceReport? Performance { get; init; }
    public IReadOnlyList<TestReport> Tests { get; init; } = [];
    public IReadOnlyList<FindingData> Findings { get; init; } = [];
    /// <summary>
    /// What the explorer could not check (an API it does not model): not the learner's bug, so it does not decide
    /// the verdict; the tests concerned were judged by real-thread stress alone.
    /// </summary>
    public IReadOnlyList<FindingData> Notices { get; init; } = [];
    public IReadOnlyList<CompilerMessage> Diagnostics { get; init; } = [];
    public Timings TimingsMs { get; init; } = new();
    public RunInfo? Run { get; init; }
    /// <summary>Set when the request replayed a finding's token: whether the interleaving still fails.</summary>
    public ReplayOutcome? Replay { get; init; }
}

/// <summary>The outcome of replaying one finding's interleaving (not a grade: the score of a replay is 0).</summary>
public sealed record ReplayOutcome
{
    public string Test { get; init; } = "";
    /// <summary>The interleaving still ends in a finding.</summary>
    public bool Reproduced { get; init; }
    /// <summary>What to do when it no longer fails.</summary>
    public string? Message { get; init; }
}

public static class TestOutcomes
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Unexplored = "unexplored";
}

public static class Verdicts
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string CompileError = "compile_error";
    public const string PolicyViolation = "policy_violation";
    public const string Timeout = "timeout";
    public const string Crashed = "crashed";
}

public sealed record TestReport
{
    public string Name { get; init; } = "";
    /// <summary>
    /// passed, failed, skipped (not run because an earlier test left the run stuck, or not part of the mode), or
    /// unexplored (the explorer could not control an API the test reached; see <see cref="GradeReport.Notices"/>).
    /// </summary>
    public string Outcome { get; init; } = "";
    /// <summary>Why a skipped test did not run, when the reader could not tell (e.g. the grade stopped at its first failing test).</summary>
    public string? SkippedBecause { get; init; }
    public long DurationMs { get; init; }
    /// <summary>How the test was run: "stress" or "explore".</summary>
    public string Mode { get; init; } = "";
    /// <summary>Real-thread iterations or explored schedules.</summary>
    public long Runs { get; init; }
    public bool? Exhausted { get; init; }
}

public sealed record CompilerMessage(string Severity, string Id, string Message, int Line, int Column);

public sealed record Timings
{
    public long Compile { get; init; }
    public long Police { get; init; }
    /// <summary>Rewriting the assemblies for exploration (Mono.Cecil); <see cref="Explore"/> is the sandboxed exploration run.</summary>
    public long Rewrite { get; init; }
    public long Explore { get; init; }
    public long Stress { get; init; }
    public long Measure { get; init; }
    public long Total { get; init; }
}

public sealed record ScoreBreakdown
{
    public int Correctness { get; init; }
    public int Performance { get; init; }
    public int PerformanceMax { get; init; }
    public string Explanation { get; init; } = "";
}

/// <summary>How the sandboxed runs went: the isolation layers that were active, and what the learner's code printed.</summary>
public sealed record RunInfo
{
    public IReadOnlyList<string> IsolationLayers { get; init; } = [];
    public string? Output { get; init; }
    public bool OutputTruncated { get; init; }
}

public sealed record PerformanceReport
{
    /// <summary>The report of a grade that measured nothing (a failed, rejected or explore-only grade): read <see cref="Measured"/>.</summary>
    public static PerformanceReport NotMeasured { get; } = new() { Measured = false };

    /// <summary>False when throughput was not measured: then <see cref="Ratio"/> is 0 and <see cref="Benchmarks"/> empty.</summary>
    public bool Measured { get; init; } = true;

    /// <summary>Submission throughput / reference throughput at the highest thread count (geometric mean over benchmarks).</summary>
    public double Ratio { get; init; }
    public IReadOnlyList<ThroughputData> Benchmarks { get; init; } = [];
    /// <summary>Set when the figures could not be trusted (not finite, or beyond what the machine can do): they earn no points.</summary>
    public string? NotScoredBecause { get; init; }
}
