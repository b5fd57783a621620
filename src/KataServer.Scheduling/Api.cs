namespace KataServer.Scheduling;

/// <summary>Options of one exploration (see <see cref="ScheduleExplorer"/>).</summary>
public sealed record ExplorationOptions
{
    /// <summary>"portfolio" (default), "random", "pct", "dfs" (bounded-preemption depth-first), "window" (read-then-CAS windows), or "replay" (internal).</summary>
    public string Strategy { get; init; } = "portfolio";

    public ulong Seed { get; init; }

    public int MaxSchedules { get; init; } = 1000;

    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Scheduling points per schedule; exceeding it is a <see cref="BugKind.Hang"/>.</summary>
    public int MaxSteps { get; init; } = 10000;

    /// <summary>
    /// Scheduling decisions taken by the (unfair) strategy; after that many decisions in one schedule the
    /// scheduler switches to fair random choices so that correct spin-waits terminate and only real livelocks hit <see cref="MaxSteps"/>.
    /// </summary>
    public int MaxUnfairSteps { get; init; } = 1000;

    /// <summary>PCT bug depth d (d-1 priority change points).</summary>
    public int PctDepth { get; init; } = 3;

    /// <summary>Preemption bound of the DFS strategy; negative means unbounded.</summary>
    public int MaxPreemptions { get; init; } = 2;

    /// <summary>
    /// When false (default) virtual time advances only when every operation waits, so a timed wait times out only if
    /// nothing else could ever satisfy it. When true the earliest pending timeout (sleep, timed wait, timer) may also
    /// fire at any scheduling point, as if the other operations were slow: explores "gave up too early" bugs, at the
    /// price of a larger space.
    /// </summary>
    public bool ExploreEarlyTimeouts { get; init; }

    /// <summary>
    /// With <see cref="ExploreEarlyTimeouts"/>: only a deadline at most this many virtual milliseconds ahead may fire
    /// early. A short sleep can be overtaken by a slow thread on a real machine; a one-minute timeout in a test cannot
    /// (and firing it early would fail correct code).
    /// </summary>
    public long EarlyTimeoutHorizonMs { get; init; } = long.MaxValue;

    /// <summary>Whether <see cref="Interception.SharedMemoryHooks"/> field/array accesses are scheduling points.</summary>
    public bool FieldInterleavings { get; init; } = true;

    /// <summary>Picks the stack frame a trace step points at (first frame whose file satisfies it). Null: first frame outside the engine.</summary>
    public Func<string, bool>? IsUserSourceFile { get; init; }

    /// <summary>
    /// The learner's code: a frame of such an assembly is the learner's even where the runtime gives it no file (inside a
    /// catch or finally), and its step carries the line the rewriter recorded there (see <see cref="Interception.SharedMemoryHooks.AtSourceLine"/>).
    /// </summary>
    public Func<System.Reflection.Assembly, bool>? IsUserAssembly { get; init; }

    /// <summary>
    /// The kata tests' code: a step whose innermost program frame is theirs (a test's own counter, a test callback the
    /// learner's code invoked) is the test's (<see cref="TraceStep.ByTest"/>), never shown on a learner line.
    /// </summary>
    public Func<System.Reflection.Assembly, bool>? IsTestAssembly { get; init; }

    /// <summary>
    /// Run first on the thread of every operation (see <see cref="Interception.StaticFields.ThreadStaticResetterFor"/>):
    /// operations share pooled threads, and each must see <c>[ThreadStatic]</c> fields as a new thread does.
    /// </summary>
    public Action? OnOperationStart { get; init; }

    /// <summary>Wall-clock time a running operation may spend without reaching a scheduling point before it is reported as uncontrolled (or hung).</summary>
    public TimeSpan UncontrolledGrace { get; init; } = TimeSpan.FromSeconds(2);
}

public sealed record ExplorationProgress(int SchedulesExplored, TimeSpan Elapsed, string Strategy);

/// <param name="SchedulesExplored">schedules run (the replay that builds the bug trace is not counted)</param>
/// <param name="SpaceExhausted">the DFS strategy enumerated every schedule within its preemption bound (see <see cref="Coverage"/>),
/// and no operation was ordered by virtual time (a timed wait or sleep that timed out): time is the engine's choice, so
/// a space whose order came from it is no certificate</param>
public sealed record ExplorationResult(int SchedulesExplored, bool SpaceExhausted, TimeSpan Elapsed, ScheduleBug? Bug)
{
    /// <summary>Human-readable coverage statement, e.g. "all schedules with at most 2 preemptions explored".</summary>
    public string? Coverage { get; init; }

    /// <summary>In some schedule a sleep or timed wait timed out: virtual time, which the engine chooses, ordered operations.</summary>
    public bool TimeOrdered { get; init; }
}

public enum BugKind
{
    Exception,
    Deadlock,
    Hang,
    Uncontrolled,

    /// <summary>
    /// Two threads used a collection that is not thread-safe at once (one of them changing it). Reported only for a
    /// schedule, and an exploration, in which nothing else failed.
    /// </summary>
    DataRace,
}

public sealed record ScheduleBug(BugKind Kind, string Message, Exception? Exception, string ReplayToken, IReadOnlyList<TraceStep> Trace)
{
    /// <summary>
    /// For a <see cref="BugKind.Deadlock"/>: some blocked operation holds a lock or waits to take one (a
    /// classic deadlock). False when every blocked operation only waits for a signal, a release or a
    /// completion that nobody will give (a lost wake-up: the program hangs).
    /// </summary>
    public bool LocksHeld { get; init; }
}

/// <param name="Step">position in the schedule (0-based)</param>
/// <param name="Action">what the operation is about to do, e.g. "read Bank.balance", "Monitor.Enter(lock A)", "blocked: waits for lock B", "completed"</param>
public sealed record TraceStep(int Step, int OperationId, string OperationName, string Action, string? SourceFile, int? Line)
{
    /// <summary>The kata test's own code took this step (see <see cref="ExplorationOptions.IsTestAssembly"/>); it has no learner line.</summary>
    public bool ByTest { get; init; }

    /// <summary>
    /// This step is the <c>Monitor.Exit</c> the compiler wrote at the end of the <c>lock</c> statement on this line (the step's
    /// own <see cref="Line"/> is where the lock's block ends): renderers call it "releases lock A (end of lock at line N)".
    /// </summary>
    public int? LockStatementLine { get; init; }

    /// <summary>What the call returned when a reader needs it: "false" for a Try* call that failed (a full channel, a held lock).</summary>
    public string? Result { get; init; }
}
