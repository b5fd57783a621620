using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>ThreadPool work items under control: each becomes a controlled (background) operation.</summary>
[Intercepts(typeof(ThreadPool))]
public static class ControlledThreadPool
{
    private static bool Queue(ControlledOperation op, Action work)
    {
        var child = op.Runtime.CreateOperation(OperationKind.Task, work, null, null);
        op.Runtime.SchedulePoint(op, "ThreadPool.QueueUserWorkItem", child, alreadyDone: true);
        return true;
    }

    public static bool QueueUserWorkItem(WaitCallback callBack)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.QueueUserWorkItem(callBack);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, () => callBack(null));
    }

    public static bool QueueUserWorkItem(WaitCallback callBack, object? state)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.QueueUserWorkItem(callBack, state);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, () => callBack(state));
    }

    public static bool QueueUserWorkItem<TState>(Action<TState> callBack, TState state, bool preferLocal)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.QueueUserWorkItem(callBack, state, preferLocal);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, () => callBack(state));
    }

    public static bool UnsafeQueueUserWorkItem(WaitCallback callBack, object? state)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.UnsafeQueueUserWorkItem(callBack, state);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, () => callBack(state));
    }

    public static bool UnsafeQueueUserWorkItem<TState>(Action<TState> callBack, TState state, bool preferLocal)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.UnsafeQueueUserWorkItem(callBack, state, preferLocal);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, () => callBack(state));
    }

    public static bool UnsafeQueueUserWorkItem(IThreadPoolWorkItem callBack, bool preferLocal)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.UnsafeQueueUserWorkItem(callBack, preferLocal);
        }

        ArgumentNullException.ThrowIfNull(callBack);
        return Queue(op, callBack.Execute);
    }
}
