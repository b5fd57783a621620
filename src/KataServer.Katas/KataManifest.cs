using System.Text.Json.Serialization;

namespace KataServer.Katas;

/// <summary>The contents of <c>katas/&lt;id&gt;/kata.json</c>. Paths are relative to the kata folder.</summary>
public sealed record KataManifest
{
    public string Id { get; init; } = "";
    public string Title { get; init; } = "";
    /// <summary>Position on the learning path (1 = first).</summary>
    public int Order { get; init; }
    public string Difficulty { get; init; } = "";
    public IReadOnlyList<string> Topics { get; init; } = [];
    public string Summary { get; init; } = "";
    public string Statement { get; init; } = "README.md";
    public string Starter { get; init; } = "starter.cs";
    public string Reference { get; init; } = "reference.cs";
    public IReadOnlyList<string> Tests { get; init; } = [];
    public KataPolicy Policy { get; init; } = new();
    public KataBudgets Budgets { get; init; } = new();
    public KataScoring Scoring { get; init; } = new();
    public IReadOnlyList<KataMutant> Mutants { get; init; } = [];
    public IReadOnlyList<string> Hints { get; init; } = [];
}

/// <summary>API rules on top of the default policy: prefixes of fully qualified names, or presets such as <c>@blocking</c>.</summary>
public sealed record KataPolicy
{
    public IReadOnlyList<string> Allow { get; init; } = [];
    public IReadOnlyList<string> Deny { get; init; } = [];
}

public sealed record KataBudgets
{
    /// <summary>Wall-clock limit for one sandboxed run (explore or stress).</summary>
    public int WallSeconds { get; init; } = 60;
    public int CpuSeconds { get; init; } = 90;
    public int MemoryMb { get; init; } = 512;
    public int MaxThreads { get; init; } = 256;
    /// <summary>Real-thread iterations per test (each a fresh instance, all threads released together).</summary>
    public int StressIterations { get; init; } = 2000;
    /// <summary>Stress time per test; the run stops at whichever of iterations or time comes first.</summary>
    public double StressSeconds { get; init; } = 2;
    /// <summary>One iteration (or schedule) that has not returned after this long is stuck.</summary>
    public double IterationTimeoutSeconds { get; init; } = 5;
    public int ExploreSchedules { get; init; } = 2000;
    public double ExploreSeconds { get; init; } = 5;
    public int ExploreMaxSteps { get; init; } = 20000;
}

public sealed record KataScoring
{
    /// <summary>Points (of 100) that depend on throughput against the reference; the rest come from correctness.</summary>
    public int PerformanceWeight { get; init; } = 20;
    /// <summary>Throughput ratio (submission / reference) that earns all performance points.</summary>
    public double TargetRatio { get; init; } = 0.5;
}

/// <summary>A known-wrong solution and the finding it must produce.</summary>
public sealed record KataMutant
{
    public string File { get; init; } = "";
    public string Finding { get; init; } = "";
    /// <summary>Other finding kinds that are fair for this mistake.</summary>
    public IReadOnlyList<string> Also { get; init; } = [];
    /// <summary>The mistake, in a sentence.</summary>
    public string Mistake { get; init; } = "";

    [JsonIgnore]
    public IEnumerable<string> AcceptedFindings => Also.Prepend(Finding);
}
