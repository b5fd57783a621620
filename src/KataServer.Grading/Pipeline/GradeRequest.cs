using KataServer.Katas;

namespace KataServer.Grading.Pipeline;

/// <summary>One submission to grade: the learner's file as bytes (it may be anything), for one kata.</summary>
public sealed record GradeRequest(Kata Kata, byte[] Source, string FileName)
{
    public GradeMode Mode { get; init; } = GradeMode.All;
    /// <summary>Seed for the explorer and the stress scenario generator; random when null.</summary>
    public ulong? Seed { get; init; }
    /// <summary>Exploration strategy (random, pct, dfs, window, portfolio); the kata's default when null.</summary>
    public string? Strategy { get; init; }
    /// <summary>Replays a finding's token instead of exploring (with <see cref="ReplayTest"/>).</summary>
    public string? ReplayToken { get; init; }
    public string? ReplayTest { get; init; }
    /// <summary>Runs only these hidden tests (every test when empty).</summary>
    public IReadOnlyList<string> OnlyTests { get; init; } = [];
    /// <summary>How many times to replay (each run must end in the same finding, or the replay reports it).</summary>
    public int ReplayRepeats { get; init; } = 1;
    /// <summary>Time the kata's benchmarks against the reference once the tests pass (off for validation runs).</summary>
    public bool MeasurePerformance { get; init; } = true;
    /// <summary>False: explore every test even after one fails, for every finding (kata validation: each mutant must be
    /// found by the finding it names, which need not be the first). Only with <see cref="GraderOptions.StopAtFirstFinding"/>.</summary>
    public bool StopAtFirstFinding { get; init; } = true;
}

public enum GradeMode
{
    All,
    Explore,
    Stress,
}
