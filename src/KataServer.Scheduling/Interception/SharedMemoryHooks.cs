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

    public static void BeforeArrayRead(Array? array, int index) => Observer?.OnArrayAccess(array, index, isWrite: false);

    public static void BeforeArrayWrite(Array? array, int index) => Observer?.OnArrayAccess(array, index, isWrite: true);

    /// <summary>
    /// Inserted before every backward jump of learner code (each turn of a loop): not a scheduling point, but it records
    /// the loop's line, so an endless loop that never reaches one can be named, and it lets a cancelled run's spinning
    /// thread unwind instead of burning a core for ever.
    /// </summary>
    public static void AtLoopBackEdge(int line) => Observer?.OnLoopBackEdge(line);
}

public interface ISharedMemoryObserver
{
    void OnFieldAccess(object? owner, string field, bool isWrite);

    void OnArrayAccess(Array? array, int index, bool isWrite);

    void OnLoopBackEdge(int line)
    {
    }
}
