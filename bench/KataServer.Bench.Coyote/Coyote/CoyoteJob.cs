using System.Text.Json;

namespace KataServer.Bench.Coyote.Coyote;

/// <summary>What one Coyote child process runs: one rewritten mutant, its tests, every seed and configuration.</summary>
public sealed record CoyoteJob
{
    public string AssemblyPath { get; init; } = "";
    public IReadOnlyList<string> Tests { get; init; } = [];
    public IReadOnlyList<ulong> Seeds { get; init; } = [];
    public IReadOnlyList<string> Configurations { get; init; } = [];
    /// <summary>Most iterations per test and seed: the kata's explore schedules, as our explorer gets.</summary>
    public uint Iterations { get; init; }
    /// <summary>Wall-clock limit per test and seed; the engine is stopped after it.</summary>
    public double SecondsPerTest { get; init; }
}

/// <summary>One Coyote engine run: a test, a seed, a configuration.</summary>
public sealed record CoyoteRunResult
{
    public string Configuration { get; init; } = "";
    public ulong Seed { get; init; }
    public string Test { get; init; } = "";
    public int Iterations { get; init; }
    public bool BugFound { get; init; }
    /// <summary>The iteration of the bug (counting it).</summary>
    public int BugIteration { get; init; }
    /// <summary>deadlock, a kata finding kind (lost-update, invariant...), exception, potential-deadlock, uncontrolled or other.</summary>
    public string? Kind { get; init; }
    public string? Message { get; init; }
    public double Milliseconds { get; init; }
    public bool Stopped { get; init; }
    public IReadOnlyList<string> UncontrolledInvocations { get; init; } = [];
}

public static class CoyoteConfigurations
{
    public const string Default = "default";
    /// <summary>Coyote's opt-in: scheduling points at field reads and writes (WithMemoryAccessRaceCheckingEnabled).</summary>
    public const string MemoryAccessRaces = "memory-access-races";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Lines of the child's output that carry a result start with this (anything else is the engine's chatter).</summary>
    public const string ResultPrefix = "COYOTE-RESULT ";
}
