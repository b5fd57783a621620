#pragma warning disable CS9216 // Lock objects are used as dictionary keys and resource names here, never locked as objects.
using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>System.Threading.Lock under control (reentrant, like the real one). `lock (x)` on a Lock compiles to EnterScope + Scope.Dispose.</summary>
[Intercepts(typeof(Lock))]
public static class ControlledLock
{
    private static SystemLockState State(ControlledOperation op, Lock self)
    {
        ArgumentNullException.ThrowIfNull(self);
        return LockModel.Get(op.Runtime, self, static o => new SystemLockState(o));
    }

    public static Lock New() => new();

    public static void Enter(Lock self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Enter();
            return;
        }

        var s = State(op, self);
        op.Runtime.SchedulePoint(op, "Lock.Enter", self, LockModel.Kind);
        LockModel.Acquire(op, s, Timeout.Infinite);
    }

    public static bool TryEnter(Lock self) => TryResult.Show(TryEnterCore(self, 0));

    public static bool TryEnter(Lock self, int millisecondsTimeout) => TryResult.Show(TryEnterCore(self, LockModel.ToMs(millisecondsTimeout)));

    public static bool TryEnter(Lock self, TimeSpan timeout) => TryResult.Show(TryEnterCore(self, LockModel.ToMs(timeout)));

    private static bool TryEnterCore(Lock self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.TryEnter((int)timeoutMs);
        }

        var s = State(op, self);
        op.Runtime.SchedulePoint(op, "Lock.TryEnter", self, LockModel.Kind);
        return LockModel.Acquire(op, s, timeoutMs);
    }

    public static void Exit(Lock self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Exit();
            return;
        }

        var s = State(op, self);
        op.Runtime.SchedulePoint(op, "Lock.Exit", self, LockModel.Kind);
        LockModel.Release(op, s, "Lock.Exit");
    }

    public static Lock.Scope EnterScope(Lock self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.EnterScope();
        }

        Enter(self);
        var scope = default(Lock.Scope);
        ScopeLock(ref scope) = self;
        return scope;
    }

    public static bool get_IsHeldByCurrentThread(Lock self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.IsHeldByCurrentThread;
        }

        return State(op, self).Owner == op;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_lockObj")]
    internal static extern ref Lock? ScopeLock(ref Lock.Scope scope);
}

[Intercepts(typeof(Lock.Scope))]
public static class ControlledLockScope
{
    public static void Dispose(ref Lock.Scope self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Dispose();
            return;
        }

        ref Lock? target = ref ControlledLock.ScopeLock(ref self);
        var lockObj = target;
        if (lockObj is not null)
        {
            target = null;
            ControlledLock.Exit(lockObj);
        }
    }
}
