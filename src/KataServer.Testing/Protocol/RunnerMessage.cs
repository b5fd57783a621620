namespace KataServer.Testing.Protocol;

/// <summary>
/// One line of JSON the runner sends on the result channel. <see cref="Type"/> says which fields are set:
/// <c>started</c> (Tests), <c>test-started</c> (Test), <c>progress</c> (Test, Done, Total),
/// <c>test-finished</c> (Test, Outcome, DurationMs, Done, Finding), <c>measured</c> (Throughput), <c>done</c>.
/// </summary>
public sealed record RunnerMessage
{
    public const string Started = "started";
    public const string TestStarted = "test-started";
    public const string Progress = "progress";
    public const string TestFinished = "test-finished";
    public const string Measured = "measured";
    public const string Finished = "done";
    /// <summary>The runner found the test infrastructure's own state changed (by learner code): Finding says what.
    /// The grader then distrusts the whole run.</summary>
    public const string Tampered = "tampered";

    public string Type { get; init; } = "";
    public string? Test { get; init; }
    public IReadOnlyList<string>? Tests { get; init; }
    public string? Outcome { get; init; }
    public long? DurationMs { get; init; }
    /// <summary>Iterations or schedules done so far.</summary>
    public long? Done { get; init; }
    public long? Total { get; init; }
    /// <summary>The explorer covered every schedule within its bound (a certificate, not just "no bug seen").</summary>
    public bool? Exhausted { get; init; }
    public FindingData? Finding { get; init; }
    /// <summary>With <c>measured</c>: throughput of one benchmark at each thread count.</summary>
    public IReadOnlyList<ThroughputData>? Throughput { get; init; }
}

/// <summary>Operations per second of the submission and of the reference, measured in the same process.</summary>
public sealed record ThroughputData
{
    public string Benchmark { get; init; } = "";
    public int Threads { get; init; }
    public double SubmissionOpsPerSecond { get; init; }
    public double ReferenceOpsPerSecond { get; init; }
    public double Ratio => ReferenceOpsPerSecond > 0 ? SubmissionOpsPerSecond / ReferenceOpsPerSecond : 0;
}

public sealed record FindingData
{
    public string Kind { get; init; } = "";
    public string? Test { get; init; }
    public string Message { get; init; } = "";
    public string? Replay { get; init; }
    public IReadOnlyList<TraceStepData>? Trace { get; init; }
}

/// <summary>One step of an interleaving: which thread did what, at which line of the learner's file.</summary>
public sealed record TraceStepData
{
    public int Step { get; init; }
    public int Thread { get; init; }
    public string ThreadName { get; init; } = "";
    public string Action { get; init; } = "";
    public int? Line { get; init; }

    /// <summary>The kata test's own code took this step (its counters, its callbacks): it has no line in the learner's file.</summary>
    public bool ByTest { get; init; }

    /// <summary>The compiler's release at the end of the <c>lock</c> statement on this line (rendered "releases lock A (end of lock at line N)").</summary>
    public int? LockStatementLine { get; init; }

    /// <summary>What the call returned when a reader needs it: "false" for a Try* call that failed.</summary>
    public string? Result { get; init; }
}
