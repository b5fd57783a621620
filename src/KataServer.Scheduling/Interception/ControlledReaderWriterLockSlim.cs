using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// ReaderWriterLockSlim under control: many readers or one writer; one upgradeable reader that may upgrade to
/// write; recursion rules of the instance's RecursionPolicy (LockRecursionException otherwise). Writer preference
/// is not modelled (readers may overtake a waiting writer), which explores more schedules, not fewer.
/// </summary>
[Intercepts(typeof(ReaderWriterLockSlim))]
public static class ControlledReaderWriterLockSlim
{
    private sealed class State
    {
        public bool Recursive;
        public ControlledOperation? Writer;
        public int WriteCount;
        public ControlledOperation? Upgrader;
        public int UpgradeCount;
        public readonly Dictionary<ControlledOperation, int> Readers = new();
    }

    private const string Kind = "rwlock";

    private static State Get(ControlledOperation op, ReaderWriterLockSlim self)
    {
        ArgumentNullException.ThrowIfNull(self);
        return op.Runtime.StateOf(self, static l => new State { Recursive = l.RecursionPolicy == LockRecursionPolicy.SupportsRecursion });
    }

    public static ReaderWriterLockSlim New() => new();

    public static ReaderWriterLockSlim New(LockRecursionPolicy recursionPolicy) => new(recursionPolicy);

    public static void EnterReadLock(ReaderWriterLockSlim self) => TryEnterReadLockCore(self, Timeout.Infinite);

    public static bool TryEnterReadLock(ReaderWriterLockSlim self, int millisecondsTimeout) => TryEnterReadLockCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool TryEnterReadLock(ReaderWriterLockSlim self, TimeSpan timeout) => TryEnterReadLockCore(self, LockModel.ToMs(timeout));

    private static bool TryEnterReadLockCore(ReaderWriterLockSlim self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.TryEnterReadLock((int)timeoutMs);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.EnterReadLock", self, Kind);
        s.Readers.TryGetValue(op, out int mine);
        if (!s.Recursive && (mine > 0 || s.Writer == op || s.Upgrader == op))
        {
            throw new LockRecursionException("Recursive read lock acquisitions not allowed in this mode.");
        }

        if (mine == 0 && s.Writer != op && !op.Runtime.BlockUntil(op, () => s.Writer is null, Kind, self, timeoutMs))
        {
            return false;
        }

        if (mine == 0)
        {
            op.AddHeld(Kind, self);
        }

        s.Readers[op] = mine + 1;
        return true;
    }

    public static void ExitReadLock(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.ExitReadLock();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.ExitReadLock", self, Kind);
        if (!s.Readers.TryGetValue(op, out int mine))
        {
            throw new SynchronizationLockException("The read lock is being released without being held.");
        }

        if (mine == 1)
        {
            s.Readers.Remove(op);
            op.RemoveHeld(self);
        }
        else
        {
            s.Readers[op] = mine - 1;
        }
    }

    public static void EnterWriteLock(ReaderWriterLockSlim self) => TryEnterWriteLockCore(self, Timeout.Infinite);

    public static bool TryEnterWriteLock(ReaderWriterLockSlim self, int millisecondsTimeout) => TryEnterWriteLockCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool TryEnterWriteLock(ReaderWriterLockSlim self, TimeSpan timeout) => TryEnterWriteLockCore(self, LockModel.ToMs(timeout));

    private static bool TryEnterWriteLockCore(ReaderWriterLockSlim self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.TryEnterWriteLock((int)timeoutMs);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.EnterWriteLock", self, Kind);
        if (s.Writer == op)
        {
            if (!s.Recursive)
            {
                throw new LockRecursionException("Recursive write lock acquisitions not allowed in this mode.");
            }

            s.WriteCount++;
            return true;
        }

        if (s.Readers.ContainsKey(op))
        {
            throw new LockRecursionException("Write lock may not be acquired with read lock held. This pattern is prone to deadlocks. Please ensure that read locks are released before taking a write lock. If an upgrade is necessary, use an upgrade lock in place of the read lock.");
        }

        bool CanWrite() => s.Writer is null && s.Readers.Count == 0 && (s.Upgrader is null || s.Upgrader == op);
        if (!CanWrite() && !op.Runtime.BlockUntil(op, CanWrite, Kind, self, timeoutMs))
        {
            return false;
        }

        s.Writer = op;
        s.WriteCount = 1;
        op.AddHeld(Kind, self);
        return true;
    }

    public static void ExitWriteLock(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.ExitWriteLock();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.ExitWriteLock", self, Kind);
        if (s.Writer != op)
        {
            throw new SynchronizationLockException("The write lock is being released without being held.");
        }

        if (--s.WriteCount == 0)
        {
            s.Writer = null;
            op.RemoveHeld(self);
        }
    }

    public static void EnterUpgradeableReadLock(ReaderWriterLockSlim self) => TryEnterUpgradeableReadLockCore(self, Timeout.Infinite);

    public static bool TryEnterUpgradeableReadLock(ReaderWriterLockSlim self, int millisecondsTimeout) => TryEnterUpgradeableReadLockCore(self, LockModel.ToMs(millisecondsTimeout));

    public static bool TryEnterUpgradeableReadLock(ReaderWriterLockSlim self, TimeSpan timeout) => TryEnterUpgradeableReadLockCore(self, LockModel.ToMs(timeout));

    private static bool TryEnterUpgradeableReadLockCore(ReaderWriterLockSlim self, long timeoutMs)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return self.TryEnterUpgradeableReadLock((int)timeoutMs);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.EnterUpgradeableReadLock", self, Kind);
        if (s.Upgrader == op)
        {
            if (!s.Recursive)
            {
                throw new LockRecursionException("Recursive upgradeable lock acquisitions not allowed in this mode.");
            }

            s.UpgradeCount++;
            return true;
        }

        if (s.Readers.ContainsKey(op) || (s.Writer == op && !s.Recursive))
        {
            throw new LockRecursionException("Upgradeable lock may not be acquired with read lock held.");
        }

        bool CanUpgrade() => (s.Writer is null || s.Writer == op) && s.Upgrader is null;
        if (!CanUpgrade() && !op.Runtime.BlockUntil(op, CanUpgrade, Kind, self, timeoutMs))
        {
            return false;
        }

        s.Upgrader = op;
        s.UpgradeCount = 1;
        op.AddHeld(Kind, self);
        return true;
    }

    public static void ExitUpgradeableReadLock(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            self.ExitUpgradeableReadLock();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLockSlim.ExitUpgradeableReadLock", self, Kind);
        if (s.Upgrader != op)
        {
            throw new SynchronizationLockException("The upgradeable lock is being released without being held.");
        }

        if (--s.UpgradeCount == 0)
        {
            s.Upgrader = null;
            op.RemoveHeld(self);
        }
    }

    public static bool get_IsReadLockHeld(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.IsReadLockHeld : Get(op, self).Readers.ContainsKey(op);
    }

    public static bool get_IsWriteLockHeld(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.IsWriteLockHeld : Get(op, self).Writer == op;
    }

    public static bool get_IsUpgradeableReadLockHeld(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.IsUpgradeableReadLockHeld : Get(op, self).Upgrader == op;
    }

    public static int get_CurrentReadCount(ReaderWriterLockSlim self)
    {
        var op = ControlledOperation.Current;
        return op is null ? self.CurrentReadCount : Get(op, self).Readers.Count + (Get(op, self).Upgrader is null ? 0 : 1);
    }
}
