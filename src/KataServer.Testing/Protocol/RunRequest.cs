namespace KataServer.Testing.Protocol;

/// <summary>What the grader asks one runner process to do. Sent on the runner's standard input with the assemblies
/// (<see cref="RunInput"/>), never written where the sandboxed process could read it.</summary>
public sealed record RunRequest
{
    public RunMode Mode { get; init; } = RunMode.Stress;
    /// <summary>Learner file name as it appears in PDB sequence points (for source lines in findings).</summary>
    public string SubmissionFileName { get; init; } = "Submission.cs";
    /// <summary>The grade's seed for <see cref="TestData"/>: sizes, keys and balances the tests draw (same in every stage of one grade).</summary>
    public ulong DataSeed { get; init; }
    /// <summary>Only these tests (all when empty).</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];
    public StressSettings Stress { get; init; } = new();
    public ExploreSettings Explore { get; init; } = new();
    public MeasureSettings Measure { get; init; } = new();
}

public enum RunMode
{
    Stress,
    Explore,
    /// <summary>Time the kata's [KataBenchmark] methods for the submission and for the reference.</summary>
    Measure,
}

public sealed record MeasureSettings
{
    /// <summary>Thread counts to measure at (e.g. 1 and the core count).</summary>
    public IReadOnlyList<int> Threads { get; init; } = [1, 2];
    /// <summary>Timed calls per side and thread count; the median is kept. Sides alternate to share the machine's noise.</summary>
    public int Rounds { get; init; } = 7;
}

public sealed record StressSettings
{
    public int Iterations { get; init; } = 1000;
    public double SecondsPerTest { get; init; } = 2;
    public double IterationTimeoutSeconds { get; init; } = 5;
    /// <summary>Tests the explorer could not judge (the code used an API it does not model): stress alone judges them,
    /// with <see cref="UnexploredScale"/> times the iterations and time.</summary>
    public IReadOnlyList<string> Unexplored { get; init; } = [];
    public int UnexploredScale { get; init; } = 4;
    /// <summary>Each test's share of <see cref="Iterations"/> and <see cref="SecondsPerTest"/> (a test not named: 1), from
    /// what exploration covered. The search for an iteration in which the threads overlapped keeps the whole budget.</summary>
    public IReadOnlyDictionary<string, double> Shares { get; init; } = new Dictionary<string, double>();
}

public sealed record ExploreSettings
{
    public string Strategy { get; init; } = "portfolio";
    public ulong Seed { get; init; }
    public int MaxSchedules { get; init; } = 1000;
    public double SecondsPerTest { get; init; } = 5;
    public int MaxSteps { get; init; } = 20000;
    /// <summary>
    /// Sleeps and timed waits up to this many (virtual) milliseconds may fire at any scheduling point, as if the other
    /// threads were slow: ordering threads by sleeping is explored away. Longer ones (a test's one-minute timeout) wait
    /// until nothing else can run. Keep it at least the stress iteration timeout: any sleep that could order a stress
    /// iteration is then one the explorer may cut short.
    /// </summary>
    public long EarlyTimeoutHorizonMs { get; init; } = 10_000;
    /// <summary>When set, replay this token on <see cref="RunRequest.Tests"/>[0] instead of exploring.</summary>
    public string? ReplayToken { get; init; }
    /// <summary>Replays the token this many times and checks that every run ends in the same finding.</summary>
    public int ReplayRepeats { get; init; } = 1;
    /// <summary>
    /// After the first test that fails (a finding other than "uncontrolled"), the rest are reported skipped: one
    /// finding with its interleaving fails the grade, and exploring the rest would only make the learner wait.
    /// </summary>
    public bool StopAtFirstFinding { get; init; }
    /// <summary>
    /// When above 0, every test first explores this many schedules (the first ones of its full exploration: same seed),
    /// and only then each explores its whole budget, so a bug that shows early in a late test is not found after the
    /// earlier tests' whole budgets. 0: each test explores its whole budget in turn.
    /// </summary>
    public int QuickPassSchedules { get; init; }
}
