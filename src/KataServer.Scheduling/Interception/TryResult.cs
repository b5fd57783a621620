using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// The result of a Try* call in a trace: a step that returned false says so ("ChannelWriter.TryWrite → returned false"),
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
