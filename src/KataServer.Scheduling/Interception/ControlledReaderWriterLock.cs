using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// The legacy ReaderWriterLock under control: many readers or one writer, both recursive; a reader request from the
/// writer counts as a write level (as the real one does); AcquireWriterLock while holding a read lock waits for itself
/// (a deadlock, as documented); UpgradeToWriterLock gives up every read level, then waits for the write lock;
/// ReleaseLock/RestoreLock and Downgrade use the cookie. Timeouts throw ApplicationException like the real one, and
/// releasing a lock not held throws ApplicationException. Writer preference is not modelled (explores more schedules).
/// </summary>
[Intercepts(typeof(ReaderWriterLock))]
public static class ControlledReaderWriterLock
{
    private sealed class State
    {
        public ControlledOperation? Writer;
        public int WriterLevel;
        public int WriterSeqNum = 1;
        public readonly Dictionary<ControlledOperation, int> Readers = new();
    }

    private const string Kind = "rwlock";

    private static State Get(ControlledOperation op, ReaderWriterLock self)
    {
        ArgumentNullException.ThrowIfNull(self);
        return op.Runtime.StateOf(self, static _ => new State());
    }

    public static ReaderWriterLock New() => new();

    public static void AcquireReaderLock(ReaderWriterLock self, int millisecondsTimeout) => AcquireReader(self, LockModel.ToMs(millisecondsTimeout));

    public static void AcquireReaderLock(ReaderWriterLock self, TimeSpan timeout) => AcquireReader(self, LockModel.ToMs(timeout));

    public static void AcquireWriterLock(ReaderWriterLock self, int millisecondsTimeout) => AcquireWriter(self, LockModel.ToMs(millisecondsTimeout));

    public static void AcquireWriterLock(ReaderWriterLock self, TimeSpan timeout) => AcquireWriter(self, LockModel.ToMs(timeout));

    private static void AcquireReader(ReaderWriterLock self, long timeoutMs)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.AcquireReaderLock((int)timeoutMs);
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.AcquireReaderLock", self, Kind);
        TakeReader(op, s, self, timeoutMs, 1);
    }

    private static void TakeReader(ControlledOperation op, State s, ReaderWriterLock self, long timeoutMs, int levels)
    {
        if (s.Writer == op)
        {
            s.WriterLevel += levels;
            return;
        }

        if (s.Readers.TryGetValue(op, out int mine))
        {
            s.Readers[op] = mine + levels;
            return;
        }

        if (s.Writer is not null && !op.Runtime.BlockUntil(op, () => s.Writer is null, Kind, self, timeoutMs))
        {
            throw TimedOut();
        }

        s.Readers[op] = levels;
        op.AddHeld(Kind, self);
    }

    private static void AcquireWriter(ReaderWriterLock self, long timeoutMs)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.AcquireWriterLock((int)timeoutMs);
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.AcquireWriterLock", self, Kind);
        TakeWriter(op, s, self, timeoutMs, 1);
    }

    private static void TakeWriter(ControlledOperation op, State s, ReaderWriterLock self, long timeoutMs, int levels)
    {
        if (s.Writer == op)
        {
            s.WriterLevel += levels;
            return;
        }

        // A reader asking for the write lock waits for every reader, itself included: a deadlock, as for real.
        bool CanWrite() => s.Writer is null && s.Readers.Count == 0;
        if (!CanWrite() && !op.Runtime.BlockUntil(op, CanWrite, Kind, self, timeoutMs))
        {
            throw TimedOut();
        }

        s.Writer = op;
        s.WriterLevel = levels;
        s.WriterSeqNum++;
        op.AddHeld(Kind, self);
    }

    public static void ReleaseReaderLock(ReaderWriterLock self)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.ReleaseReaderLock();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.ReleaseReaderLock", self, Kind);
        if (s.Writer == op)
        {
            ReleaseWriterLevel(op, s, self);
            return;
        }

        if (!s.Readers.TryGetValue(op, out int mine))
        {
            throw NotOwner();
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

    public static void ReleaseWriterLock(ReaderWriterLock self)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.ReleaseWriterLock();
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.ReleaseWriterLock", self, Kind);
        if (s.Writer != op)
        {
            throw NotOwner();
        }

        ReleaseWriterLevel(op, s, self);
    }

    private static void ReleaseWriterLevel(ControlledOperation op, State s, ReaderWriterLock self)
    {
        if (--s.WriterLevel == 0)
        {
            s.Writer = null;
            op.RemoveHeld(self);
        }
    }

    public static LockCookie UpgradeToWriterLock(ReaderWriterLock self, int millisecondsTimeout) => Upgrade(self, LockModel.ToMs(millisecondsTimeout));

    public static LockCookie UpgradeToWriterLock(ReaderWriterLock self, TimeSpan timeout) => Upgrade(self, LockModel.ToMs(timeout));

    private static LockCookie Upgrade(ReaderWriterLock self, long timeoutMs)
    {
        if (ControlledOperation.Current is not { } op)
        {
            return self.UpgradeToWriterLock((int)timeoutMs);
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.UpgradeToWriterLock", self, Kind);
        if (s.Writer == op)
        {
            s.WriterLevel++;
            return Cookie(op, readers: 0, writers: 1);
        }

        s.Readers.Remove(op, out int readers);
        if (readers > 0)
        {
            op.RemoveHeld(self);
        }

        try
        {
            TakeWriter(op, s, self, timeoutMs, 1);
        }
        catch (ApplicationException) when (readers > 0)
        {
            TakeReader(op, s, self, Timeout.Infinite, readers); // the real one restores the read lock before throwing
            throw;
        }

        return Cookie(op, readers, writers: 0);
    }

    public static void DowngradeFromWriterLock(ReaderWriterLock self, ref LockCookie lockCookie)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.DowngradeFromWriterLock(ref lockCookie);
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.DowngradeFromWriterLock", self, Kind);
        if (s.Writer != op)
        {
            throw NotOwner();
        }

        var (readers, writers) = Levels(op, ref lockCookie);
        if (writers > 0)
        {
            ReleaseWriterLevel(op, s, self); // the upgrade only added a write level
            return;
        }

        // Back to the read levels given up by the upgrade; no one else can take the lock in between.
        s.Writer = null;
        s.WriterLevel = 0;
        op.RemoveHeld(self);
        if (readers > 0)
        {
            s.Readers[op] = readers;
            op.AddHeld(Kind, self);
        }
    }

    public static LockCookie ReleaseLock(ReaderWriterLock self)
    {
        if (ControlledOperation.Current is not { } op)
        {
            return self.ReleaseLock();
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.ReleaseLock", self, Kind);
        int writers = s.Writer == op ? s.WriterLevel : 0;
        s.Readers.Remove(op, out int readers);
        if (writers > 0)
        {
            s.Writer = null;
            s.WriterLevel = 0;
        }

        if (writers > 0 || readers > 0)
        {
            op.RemoveHeld(self);
        }

        return Cookie(op, readers, writers);
    }

    public static void RestoreLock(ReaderWriterLock self, ref LockCookie lockCookie)
    {
        if (ControlledOperation.Current is not { } op)
        {
            self.RestoreLock(ref lockCookie);
            return;
        }

        var s = Get(op, self);
        op.Runtime.SchedulePoint(op, "ReaderWriterLock.RestoreLock", self, Kind);
        if (s.Writer == op || s.Readers.ContainsKey(op))
        {
            throw new SynchronizationLockException("RestoreLock: the thread already holds the lock.");
        }

        var (readers, writers) = Levels(op, ref lockCookie);
        if (writers > 0)
        {
            TakeWriter(op, s, self, Timeout.Infinite, writers);
        }
        else if (readers > 0)
        {
            TakeReader(op, s, self, Timeout.Infinite, readers);
        }
    }

    public static bool get_IsReaderLockHeld(ReaderWriterLock self) =>
        ControlledOperation.Current is not { } op ? self.IsReaderLockHeld : Get(op, self).Readers.ContainsKey(op);

    public static bool get_IsWriterLockHeld(ReaderWriterLock self) =>
        ControlledOperation.Current is not { } op ? self.IsWriterLockHeld : Get(op, self).Writer == op;

    public static int get_WriterSeqNum(ReaderWriterLock self) =>
        ControlledOperation.Current is not { } op ? self.WriterSeqNum : Get(op, self).WriterSeqNum;

    /// <summary>As the real one: the caller's own current write lock does not count.</summary>
    public static bool AnyWritersSince(ReaderWriterLock self, int seqNum)
    {
        if (ControlledOperation.Current is not { } op)
        {
            return self.AnyWritersSince(seqNum);
        }

        var s = Get(op, self);
        return s.WriterSeqNum > (s.Writer == op ? seqNum + 1 : seqNum);
    }

    // The cookie keeps the levels given up, and which operation it belongs to, in the real struct's own fields.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_readerLevel")]
    private static extern ref ushort ReaderLevel(ref LockCookie cookie);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_writerLevel")]
    private static extern ref ushort WriterLevel(ref LockCookie cookie);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_threadID")]
    private static extern ref int Owner(ref LockCookie cookie);

    private static LockCookie Cookie(ControlledOperation op, int readers, int writers)
    {
        var cookie = default(LockCookie);
        ReaderLevel(ref cookie) = (ushort)readers;
        WriterLevel(ref cookie) = (ushort)writers;
        Owner(ref cookie) = op.Id + 1;
        return cookie;
    }

    private static (int Readers, int Writers) Levels(ControlledOperation op, ref LockCookie cookie)
    {
        if (Owner(ref cookie) != op.Id + 1)
        {
            throw new ArgumentException("The lock cookie was not created by this thread (or was already used).", nameof(cookie));
        }

        return (ReaderLevel(ref cookie), WriterLevel(ref cookie));
    }

    private static ApplicationException TimedOut() => new("This operation returned because the timeout period expired.") { HResult = unchecked((int)0x800705B4) };

    private static ApplicationException NotOwner() => new("Attempt to release mutex not owned by caller.") { HResult = unchecked((int)0x80070120) };
}
