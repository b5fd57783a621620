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

    public static RegisteredWaitHandle RegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, int millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisteredWaits.Register(waitObject, callBack, state, LockModel.ToMs(millisecondsTimeOutInterval), executeOnlyOnce);

    public static RegisteredWaitHandle RegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, uint millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisteredWaits.Register(waitObject, callBack, state, millisecondsTimeOutInterval == uint.MaxValue ? Timeout.Infinite : millisecondsTimeOutInterval, executeOnlyOnce);

    public static RegisteredWaitHandle RegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, long millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisteredWaits.Register(waitObject, callBack, state, millisecondsTimeOutInterval, executeOnlyOnce);

    public static RegisteredWaitHandle RegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, TimeSpan timeout, bool executeOnlyOnce) =>
        RegisteredWaits.Register(waitObject, callBack, state, LockModel.ToMs(timeout), executeOnlyOnce);

    public static RegisteredWaitHandle UnsafeRegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, int millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisterWaitForSingleObject(waitObject, callBack, state, millisecondsTimeOutInterval, executeOnlyOnce);

    public static RegisteredWaitHandle UnsafeRegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, uint millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisterWaitForSingleObject(waitObject, callBack, state, millisecondsTimeOutInterval, executeOnlyOnce);

    public static RegisteredWaitHandle UnsafeRegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, long millisecondsTimeOutInterval, bool executeOnlyOnce) =>
        RegisterWaitForSingleObject(waitObject, callBack, state, millisecondsTimeOutInterval, executeOnlyOnce);

    public static RegisteredWaitHandle UnsafeRegisterWaitForSingleObject(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, TimeSpan timeout, bool executeOnlyOnce) =>
        RegisterWaitForSingleObject(waitObject, callBack, state, timeout, executeOnlyOnce);
}

/// <summary>
/// <c>ThreadPool.RegisterWaitForSingleObject</c> under control: a background operation waits on the handle's model (virtual
/// timeouts) and runs the callback, once or until unregistered. The real pool would wait on the kernel handle, whose state
/// the model does not keep, so the callback would never come (a false hang). The caller gets a real
/// <see cref="RegisteredWaitHandle"/> (registered on a handle that is never set and unregistered at once) as a key.
/// </summary>
[Intercepts(typeof(RegisteredWaitHandle))]
public static class RegisteredWaits
{
    private static readonly ManualResetEvent Never = new(false);

    internal static RegisteredWaitHandle Register(WaitHandle waitObject, WaitOrTimerCallback callBack, object? state, long timeoutMs, bool executeOnlyOnce)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return ThreadPool.RegisterWaitForSingleObject(waitObject, callBack, state, timeoutMs, executeOnlyOnce);
        }

        ArgumentNullException.ThrowIfNull(waitObject);
        ArgumentNullException.ThrowIfNull(callBack);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMs, -1);
        var model = ControlledWaitHandle.Model(op, waitObject);
        var handle = ThreadPool.RegisterWaitForSingleObject(Never, static (_, _) => { }, null, Timeout.Infinite, true);
        handle.Unregister(null);
        var callbacks = new CallbackDrain();
        op.Runtime.StatesOf<CallbackDrain>()[handle] = callbacks;

        var waiter = op.Runtime.CreateOperation(OperationKind.Task, () =>
        {
            var self = ControlledOperation.Current!;
            do
            {
                bool signaled = ControlledWaitHandle.Wait(self, waitObject, model, timeoutMs);
                if (callbacks.Stopped)
                {
                    return;
                }

                callbacks.Run(() => callBack(state, !signaled));
            }
            while (!executeOnlyOnce && !callbacks.Stopped);
        }, null, "registered wait");
        op.Runtime.SchedulePoint(op, "ThreadPool.RegisterWaitForSingleObject", waiter, alreadyDone: true);
        return handle;
    }

    /// <summary>Stops further callbacks; <paramref name="waitObject"/> is signalled once no callback runs (at once if none does).</summary>
    public static bool Unregister(RegisteredWaitHandle self, WaitHandle? waitObject)
    {
        var op = ControlledOperation.Current;
        if (op is null || !op.Runtime.StatesOf<CallbackDrain>().TryGetValue(self, out var callbacks))
        {
            return self.Unregister(waitObject);
        }

        op.Runtime.SchedulePoint(op, "RegisteredWaitHandle.Unregister", self);
        return callbacks.Stop(op, waitObject);
    }
}
