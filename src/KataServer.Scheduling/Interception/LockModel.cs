using System.Runtime.InteropServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>Controlled state of a reentrant lock (a Monitor or a System.Threading.Lock) in one schedule.</summary>
internal class LockState(object target)
{
    public object Target { get; } = target;

    public ControlledOperation? Owner { get; set; }

    public int Recursion { get; set; }

    /// <summary>Monitor.Wait queue (FIFO, like the CLR's).</summary>
    public List<ControlledOperation>? Waiters { get; set; }

    public Func<bool>? IsFree { get; set; }
}

internal sealed class MonitorState(object target) : LockState(target);

internal sealed class SystemLockState(object target) : LockState(target);

internal static class LockModel
{
    internal const string Kind = "lock";

    internal static T Get<T>(ControlledRuntime runtime, object target, Func<object, T> create)
        where T : LockState
    {
        ref T? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(runtime.StatesOf<T>(), target, out _);
        if (slot is null)
        {
            var s = create(target);
            s.IsFree = () => s.Owner is null;
            slot = s;
        }

        return slot;
    }

    /// <summary>Acquires (blocking up to <paramref name="timeoutMs"/> of virtual time). The caller already took the scheduling point.</summary>
    internal static bool Acquire(ControlledOperation op, LockState state, long timeoutMs)
    {
        if (state.Owner == op)
        {
            state.Recursion++;
            return true;
        }

        if (state.Owner is not null && !op.Runtime.BlockUntil(op, state.IsFree!, Kind, state.Target, timeoutMs))
        {
            return false;
        }

        state.Owner = op;
        state.Recursion = 1;
        op.AddHeld(Kind, state.Target);
        return true;
    }

    internal static void Release(ControlledOperation op, LockState state, string api)
    {
        if (state.Owner != op)
        {
            throw new SynchronizationLockException($"{api}: the lock is not held by the calling thread.");
        }

        if (--state.Recursion == 0)
        {
            state.Owner = null;
            op.RemoveHeld(state.Target);
        }
    }

    internal static long ToMs(TimeSpan timeout)
    {
        long ms = (long)timeout.TotalMilliseconds;
        if (ms < -1 || ms > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout));
        }

        return ms;
    }

    internal static long ToMs(int timeout)
    {
        if (timeout < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout));
        }

        return timeout;
    }
}
