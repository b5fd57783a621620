using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Monitor under control: reentrant ownership, FIFO wait queue, Pulse/PulseAll, Wait with virtual timeouts.
/// The real monitor is not touched during a controlled run (only one operation runs at a time); outside a
/// controlled run every method is the real one.
/// </summary>
[Intercepts(typeof(Monitor))]
public static class ControlledMonitor
{
    private static MonitorState State(ControlledOperation op, object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return LockModel.Get(op.Runtime, obj, static o => new MonitorState(o));
    }

    public static void Enter(object obj)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Monitor.Enter(obj);
            return;
        }

        var s = State(op, obj);
        op.Runtime.SchedulePoint(op, "Monitor.Enter", obj, LockModel.Kind);
        LockModel.Acquire(op, s, Timeout.Infinite);
    }

    public static void Enter(object obj, ref bool lockTaken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Monitor.Enter(obj, ref lockTaken);
            return;
        }

        if (lockTaken)
        {
            throw new ArgumentException("The lockTaken argument must be false.", nameof(lockTaken));
        }

        var s = State(op, obj);
        op.Runtime.SchedulePoint(op, "Monitor.Enter", obj, LockModel.Kind);
        LockModel.Acquire(op, s, Timeout.Infinite);
        lockTaken = true;
    }

    public static bool TryEnter(object obj) => TryResult.Show(TryEnterCore(obj, 0, out _, null));

    public static bool TryEnter(object obj, int millisecondsTimeout) => TryResult.Show(TryEnterCore(obj, LockModel.ToMs(millisecondsTimeout), out _, null));

    public static bool TryEnter(object obj, TimeSpan timeout) => TryResult.Show(TryEnterCore(obj, LockModel.ToMs(timeout), out _, null));

    public static void TryEnter(object obj, ref bool lockTaken)
    {
        CheckTaken(lockTaken);
        lockTaken = TryEnterCore(obj, 0, out _, null);
    }

    public static void TryEnter(object obj, int millisecondsTimeout, ref bool lockTaken)
    {
        CheckTaken(lockTaken);
        lockTaken = TryEnterCore(obj, LockModel.ToMs(millisecondsTimeout), out _, null);
    }

    public static void TryEnter(object obj, TimeSpan timeout, ref bool lockTaken)
    {
        CheckTaken(lockTaken);
        lockTaken = TryEnterCore(obj, LockModel.ToMs(timeout), out _, null);
    }

    private static void CheckTaken(bool lockTaken)
    {
        if (lockTaken)
        {
            throw new ArgumentException("The lockTaken argument must be false.", nameof(lockTaken));
        }
    }

    private static bool TryEnterCore(object obj, long timeoutMs, out bool controlled, object? unused)
    {
        _ = unused;
        var op = ControlledOperation.Current;
        controlled = op is not null;
        if (op is null)
        {
            return timeoutMs < 0 ? EnterReal(obj) : Monitor.TryEnter(obj, (int)timeoutMs);
        }

        var s = State(op, obj);
        op.Runtime.SchedulePoint(op, "Monitor.TryEnter", obj, LockModel.Kind);
        return LockModel.Acquire(op, s, timeoutMs);
    }

    private static bool EnterReal(object obj)
    {
        Monitor.Enter(obj);
        return true;
    }

    public static void Exit(object obj)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Monitor.Exit(obj);
            return;
        }

        var s = State(op, obj);
        op.Runtime.SchedulePoint(op, "Monitor.Exit", obj, LockModel.Kind);
        LockModel.Release(op, s, "Monitor.Exit");
    }

    public static bool IsEntered(object obj)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Monitor.IsEntered(obj);
        }

        return State(op, obj).Owner == op;
    }

    public static bool Wait(object obj) => WaitCore(obj, Timeout.Infinite);

    public static bool Wait(object obj, int millisecondsTimeout) => WaitCore(obj, LockModel.ToMs(millisecondsTimeout));

    public static bool Wait(object obj, TimeSpan timeout) => WaitCore(obj, LockModel.ToMs(timeout));

    public static bool Wait(object obj, int millisecondsTimeout, bool exitContext) => WaitCore(obj, LockModel.ToMs(millisecondsTimeout));

    public static bool Wait(object obj, TimeSpan timeout, bool exitContext) => WaitCore(obj, LockModel.ToMs(timeout));

    /// <summary>
    /// Wait/Pulse without holding the modelled lock: a SynchronizationLockException, as for real, unless the thread
    /// really holds the monitor through a lock the engine does not see (taken by code that was not rewritten; the rewriter
    /// lowers [MethodImpl(Synchronized)] to the controlled monitor): then the explorer cannot judge the code, and says so.
    /// </summary>
    private static void NotHeld(ControlledOperation op, object obj, string api)
    {
        if (Monitor.IsEntered(obj))
        {
            op.Runtime.FailUncontrolled(op, $"{api} on a monitor taken outside the engine's sight (by code that was not rewritten, " +
                "so the explorer does not model that lock; take it with lock (...) in your own code to have it explored).");
        }

        throw new SynchronizationLockException($"{api}: the lock is not held by the calling thread.");
    }

    private static bool WaitCore(object obj, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Monitor.Wait(obj, (int)timeoutMs);
        }

        var s = State(op, obj);
        if (s.Owner != op)
        {
            NotHeld(op, obj, "Monitor.Wait");
        }

        var rt = op.Runtime;
        rt.SchedulePoint(op, "Monitor.Wait", obj, LockModel.Kind);

        // Release completely, join the wait queue, wait for a pulse (or the timeout), then reacquire.
        int recursion = s.Recursion;
        s.Owner = null;
        s.Recursion = 0;
        op.RemoveHeld(obj);
        (s.Waiters ??= new()).Add(op);
        op.Signaled = false;
        bool pulsed = rt.BlockUntil(op, () => op.Signaled, "pulse", obj, timeoutMs);
        if (!pulsed)
        {
            s.Waiters.Remove(op);
        }

        op.Signaled = false;
        if (s.Owner is not null)
        {
            rt.BlockUntil(op, s.IsFree!, LockModel.Kind, obj);
        }

        s.Owner = op;
        s.Recursion = recursion;
        op.AddHeld(LockModel.Kind, obj);
        return pulsed;
    }

    public static void Pulse(object obj)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Monitor.Pulse(obj);
            return;
        }

        var s = State(op, obj);
        if (s.Owner != op)
        {
            NotHeld(op, obj, "Monitor.Pulse");
        }

        op.Runtime.SchedulePoint(op, "Monitor.Pulse", obj, LockModel.Kind);
        if (s.Waiters is { Count: > 0 })
        {
            var w = s.Waiters[0];
            s.Waiters.RemoveAt(0);
            w.Signaled = true;
        }
    }

    public static void PulseAll(object obj)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Monitor.PulseAll(obj);
            return;
        }

        var s = State(op, obj);
        if (s.Owner != op)
        {
            NotHeld(op, obj, "Monitor.PulseAll");
        }

        op.Runtime.SchedulePoint(op, "Monitor.PulseAll", obj, LockModel.Kind);
        if (s.Waiters is { Count: > 0 })
        {
            foreach (var w in s.Waiters)
            {
                w.Signaled = true;
            }

            s.Waiters.Clear();
        }
    }
}
