namespace KataServer.Scheduling.Interception;

/// <summary>
/// Calls the rewriter inserts before reads and writes of fields and array elements in learner code,
/// so that races on plain memory (<c>count++</c>) become scheduling points.
/// Outside a controlled run they cost one null check.
/// The rewriter relies on these exact names and signatures.
/// </summary>
public static class SharedMemoryHooks
{
    /// <summary>Set by the scheduling runtime while a controlled run is active.</summary>
    public static ISharedMemoryObserver? Observer { get; set; }

    /// <param name="owner">the object holding the field, null for a static field</param>
    /// <param name="field">"DeclaringType.FieldName"</param>
    public static void BeforeFieldRead(object? owner, string field) => Observer?.OnFieldAccess(owner, field, isWrite: false);

    public static void BeforeFieldWrite(object? owner, string field) => Observer?.OnFieldAccess(owner, field, isWrite: true);

    /// <param name="name">what the array was loaded from, when the rewriter could tell ("Bank._balances", a local's name), else null</param>
    public static void BeforeArrayRead(Array? array, int index, string? name) => Observer?.OnArrayAccess(array, index, isWrite: false, name);

    public static void BeforeArrayWrite(Array? array, int index, string? name) => Observer?.OnArrayAccess(array, index, isWrite: true, name);

    /// <summary>
    /// Inserted before each call in a learner method that has exception handlers: the line of the call, as the rewriter
    /// read it from the PDB. Inside a catch or finally the runtime's stack trace gives a wrong line (handlers run as
    /// funclets; dotnet/runtime#44986: the method's opening brace, the <c>await</c> before, or none), so the trace takes
    /// this one for steps made from that frame.
    /// </summary>
    /// <param name="lockLine">for the <c>Monitor.Exit</c> the compiler wrote at the end of a <c>lock</c> statement, the line of
    /// that <c>lock</c> (see <see cref="TraceStep.LockStatementLine"/>); else 0</param>
    public static void AtSourceLine(string file, int line, int lockLine) => Observer?.OnSourceLine(file, line, lockLine);

    /// <summary>
    /// Inserted before every backward jump of learner code (each turn of a loop): not a scheduling point, but it records
    /// the loop's line, so an endless loop that never reaches one can be named, and it lets a cancelled run's spinning
    /// thread unwind instead of burning a core for ever.
    /// </summary>
    public static void AtLoopBackEdge(int line) => Observer?.OnLoopBackEdge(line);

    /// <summary>
    /// Inserted at the start of every catch, filter, finally and fault handler of learner code: true while the explorer
    /// tears a schedule down (it found a bug, or only background work is left waiting), and the handler then does nothing
    /// (a catch rethrows, a filter declines, a finally ends). The engine unwinds the threads still in the schedule with an
    /// exception of its own; on real threads those would simply never run again, so learner code must not see it either
    /// (a <c>finally</c> that ran, or a caught exception's type, would tell the code it is being explored).
    /// </summary>
    public static bool InTeardown() => Runtime.ControlledOperation.Current is { Runtime.IsCanceled: true };
}

public interface ISharedMemoryObserver
{
    void OnFieldAccess(object? owner, string field, bool isWrite);

    void OnArrayAccess(Array? array, int index, bool isWrite);

    void OnArrayAccess(Array? array, int index, bool isWrite, string? name) => OnArrayAccess(array, index, isWrite);

    void OnSourceLine(string file, int line, int lockLine)
    {
    }

    void OnLoopBackEdge(int line)
    {
    }
}
