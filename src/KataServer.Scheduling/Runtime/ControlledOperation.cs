namespace KataServer.Scheduling.Runtime;

public enum OperationKind
{
    Main,
    Thread,
    Task,
    Continuation,
    Timer,
}

internal enum OperationStatus
{
    Enabled,
    Blocked,
    Completed,
}

/// <summary>What an operation parked at a scheduling point does when it goes on (strategies that hunt windows read it).</summary>
public enum PendingStep
{
    /// <summary>Anything else: a read, a plain write, a lock, a wait, a start...</summary>
    Other,

    /// <summary>Interlocked.CompareExchange: the end of a read-then-CAS window.</summary>
    CompareExchange,

    /// <summary>Another atomic write (Interlocked.Exchange/Increment/Add..., Volatile.Write): a change others may have to see.</summary>
    AtomicWrite,
}

/// <summary>One controlled thread, task, continuation or timer of a schedule.</summary>
public sealed class ControlledOperation
{
    [ThreadStatic]
    private static ControlledOperation? current;

    internal ControlledOperation(ControlledRuntime runtime, int id, OperationKind kind, string name, Action? body, Task? task)
    {
        Runtime = runtime;
        Id = id;
        Kind = kind;
        Name = name;
        Body = body;
        TaskToRun = task;
    }

    /// <summary>The operation running on this thread, null when the thread is not controlled.</summary>
    internal static ControlledOperation? Current
    {
        get => current;
        set => current = value;
    }

    public int Id { get; }

    public OperationKind Kind { get; }

    public string Name { get; internal set; }

    /// <summary>The line of the learner's loop this operation last turned in (0: none), for a loop that never yields.</summary>
    internal volatile int LoopLine;

    /// <summary>The line the rewriter recorded before the learner's last call from a method with handlers (traced runs only).</summary>
    internal SourceHint? Hint;

    /// <summary>The last scheduling point of this operation was a yield (Thread.Yield, Sleep(0), SpinWait...).</summary>
    public bool Yielded { get; internal set; }

    /// <summary>The step this operation takes when it next runs, while it is parked at a scheduling point.</summary>
    public PendingStep Pending { get; internal set; }

    internal ControlledRuntime Runtime { get; }

    internal Action? Body { get; }

    internal Task? TaskToRun { get; }

    internal OperationStatus Status { get; set; }

    internal Func<bool>? CanProceed { get; set; }

    internal long Deadline { get; set; } = long.MaxValue;

    internal bool TimedOut { get; set; }

    internal string? WaitKind { get; set; }

    internal object? WaitTarget { get; set; }

    internal List<(string Kind, object Target)>? Held { get; set; }

    internal Worker? Worker { get; set; }

    internal bool Started { get; set; }

    /// <summary>Set by Monitor.Pulse / condition signals.</summary>
    internal bool Signaled { get; set; }

    internal Thread? ThreadObject { get; set; }

    internal int StepsAfterCancel { get; set; }

    /// <summary>Yields and zero-timeout waits since this operation last really waited: each costs more virtual time (see <see cref="ControlledRuntime.ChargeSpin"/>).</summary>
    internal int SpinStreak { get; set; }

    internal void AddHeld(string kind, object target) => (Held ??= new()).Add((kind, target));

    internal void RemoveHeld(object target)
    {
        if (Held is null)
        {
            return;
        }

        for (int i = Held.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(Held[i].Target, target))
            {
                Held.RemoveAt(i);
                return;
            }
        }
    }

    public override string ToString() => Name;
}

/// <summary>Thrown from scheduling points of a cancelled schedule to unwind its operations.</summary>
internal sealed class ExecutionCanceledException() : Exception("The controlled schedule was cancelled.")
{
}

/// <summary>
/// Where the learner's code was when it made a call, as the rewriter read it from the PDB: valid for steps whose
/// innermost learner frame is <paramref name="Method"/> at the same stack depth (that activation, at that call).
/// </summary>
internal sealed record SourceHint(System.Reflection.MethodBase Method, int Depth, string File, int Line, int LockLine);
