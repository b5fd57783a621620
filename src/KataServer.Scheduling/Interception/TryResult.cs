using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// The result of a Try* call in a trace: the step of one that returned false says so (<see cref="TraceStep.Result"/>),
/// since otherwise the trace reads as if the call had succeeded. Costs nothing outside traced runs.
/// </summary>
internal static class TryResult
{
    public static bool Show(bool result)
    {
        if (!result && ControlledOperation.Current is { Runtime.Trace: not null } op)
        {
            op.Runtime.NoteReturnedFalse(op);
        }

        return result;
    }
}
