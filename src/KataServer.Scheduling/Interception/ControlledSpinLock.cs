using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// SpinLock under control. A SpinLock is a struct (it has no identity the engine could key a model on), so the real
/// one keeps the state and the engine turns its spinning into yielding scheduling points: Enter tries the real
/// lock without waiting and yields until it gets it, so the holder runs and releases. Timed TryEnter waits in
/// virtual time. Two SpinLocks taken in opposite orders therefore spin forever: a `timeout` finding, not a deadlock.
/// </summary>
[Intercepts(typeof(SpinLock))]
public static class ControlledSpinLock
{
    private const string Kind = "SpinLock";

    public static void Enter(ref SpinLock self, ref bool lockTaken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.Enter(ref lockTaken);
            return;
        }

        TryEnterCore(op, ref self, Timeout.Infinite, ref lockTaken, "SpinLock.Enter");
    }

    public static void TryEnter(ref SpinLock self, ref bool lockTaken) => TryEnter(ref self, 0, ref lockTaken);

    public static void TryEnter(ref SpinLock self, TimeSpan timeout, ref bool lockTaken) => TryEnter(ref self, (int)LockModel.ToMs(timeout), ref lockTaken);

    public static void TryEnter(ref SpinLock self, int millisecondsTimeout, ref bool lockTaken)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.TryEnter(millisecondsTimeout, ref lockTaken);
            return;
        }

        TryEnterCore(op, ref self, LockModel.ToMs(millisecondsTimeout), ref lockTaken, "SpinLock.TryEnter");
    }

    private static void TryEnterCore(ControlledOperation op, ref SpinLock self, long timeoutMs, ref bool lockTaken, string api)
    {
        if (lockTaken)
        {
            throw new ArgumentException("The tookLock argument must be set to false before calling this method.", nameof(lockTaken));
        }

        op.Runtime.SchedulePoint(op, api, null, Kind);
        long deadline = op.Runtime.DeadlineAfter(timeoutMs);
        while (true)
        {
            self.TryEnter(0, ref lockTaken); // never waits: the one running operation either gets it or not
            if (lockTaken || op.Runtime.NowNs >= deadline)
            {
                return;
            }

            if (timeoutMs < 0)
            {
                op.Runtime.SchedulePoint(op, api + " (spinning)", null, Kind, isYield: true);
            }
            else
            {
                op.Runtime.Sleep(op, 1);
            }
        }
    }

    public static void Exit(ref SpinLock self) => Exit(ref self, true);

    public static void Exit(ref SpinLock self, bool useMemoryBarrier)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "SpinLock.Exit", null, Kind);
        self.Exit(useMemoryBarrier);
    }

    public static bool get_IsHeld(ref SpinLock self)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, "SpinLock.IsHeld", null, Kind, isYield: true);
        return self.IsHeld;
    }
}
