using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

/// <summary>The legacy ReaderWriterLock under control behaves like the real one.</summary>
public class ReaderWriterLockTests
{
    private static void NoBug(Action test, int schedules = 150) => AssertNoBug(ScheduleExplorer.Explore(test, Opts("portfolio", schedules)));

    [Fact]
    public void ReadersShareTheLockAndAWriterHasItAlone()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            int readers = 0, writers = 0, mostReaders = 0;
            var ts = Enumerable.Range(0, 3).Select(i => Start(() =>
            {
                if (i == 0)
                {
                    ControlledReaderWriterLock.AcquireWriterLock(rw, Timeout.Infinite);
                    writers++;
                    Assert.Equal(0, readers);
                    ControlledThread.Yield();
                    writers--;
                    ControlledReaderWriterLock.ReleaseWriterLock(rw);
                }
                else
                {
                    ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite);
                    Assert.Equal(0, writers);
                    mostReaders = Math.Max(mostReaders, ++readers);
                    ControlledThread.Yield();
                    readers--;
                    ControlledReaderWriterLock.ReleaseReaderLock(rw);
                }
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
        });
    }

    [Fact]
    public void TwoReadersCanHoldItAtOnce()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            int inside = 0;
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite);
                inside++;
                ControlledThread.Yield();
                if (inside == 2) throw new InvalidOperationException("both readers inside");
                inside--;
                ControlledReaderWriterLock.ReleaseReaderLock(rw);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
        }, Opts("portfolio", 300));

        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
        Assert.Contains("both readers inside", r.Bug!.Message);
    }

    [Fact]
    public void AskingForTheWriteLockWhileHoldingAReadLockWaitsForItself()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite);
            ControlledReaderWriterLock.AcquireWriterLock(rw, Timeout.Infinite);
        }, Opts("random", 3));

        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
    }

    [Fact]
    public void ATimedOutAcquireThrowsApplicationException()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            ControlledReaderWriterLock.AcquireWriterLock(rw, Timeout.Infinite);
            var t = Start(() =>
            {
                var error = Assert.Throws<ApplicationException>(() => ControlledReaderWriterLock.AcquireReaderLock(rw, 100));
                Assert.Contains("timeout", error.Message);
                Assert.False(ControlledReaderWriterLock.get_IsReaderLockHeld(rw));
            });
            ControlledThread.Join(t);
            ControlledReaderWriterLock.ReleaseWriterLock(rw);
        }, schedules: 20);
    }

    [Fact]
    public void ReleasingALockNotHeldThrowsApplicationException()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            Assert.Throws<ApplicationException>(() => ControlledReaderWriterLock.ReleaseReaderLock(rw));
            Assert.Throws<ApplicationException>(() => ControlledReaderWriterLock.ReleaseWriterLock(rw));
        }, schedules: 3);
    }

    [Fact]
    public void UpgradeGivesUpTheReadLevelsAndDowngradeRestoresThem()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite);
            ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite);
            var cookie = ControlledReaderWriterLock.UpgradeToWriterLock(rw, Timeout.Infinite);
            Assert.True(ControlledReaderWriterLock.get_IsWriterLockHeld(rw));
            Assert.False(ControlledReaderWriterLock.get_IsReaderLockHeld(rw));
            ControlledReaderWriterLock.AcquireReaderLock(rw, Timeout.Infinite); // counts as a write level
            ControlledReaderWriterLock.ReleaseReaderLock(rw);
            ControlledReaderWriterLock.DowngradeFromWriterLock(rw, ref cookie);
            Assert.False(ControlledReaderWriterLock.get_IsWriterLockHeld(rw));
            ControlledReaderWriterLock.ReleaseReaderLock(rw);
            Assert.True(ControlledReaderWriterLock.get_IsReaderLockHeld(rw)); // two read levels were restored
            ControlledReaderWriterLock.ReleaseReaderLock(rw);
            Assert.False(ControlledReaderWriterLock.get_IsReaderLockHeld(rw));
        }, schedules: 3);
    }

    [Fact]
    public void ReleaseLockLetsOthersInAndRestoreLockWaitsForThem()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLock.New();
            int written = 0;
            ControlledReaderWriterLock.AcquireWriterLock(rw, Timeout.Infinite);
            int seq = ControlledReaderWriterLock.get_WriterSeqNum(rw);
            var writer = Start(() =>
            {
                ControlledReaderWriterLock.AcquireWriterLock(rw, Timeout.Infinite);
                written++;
                ControlledReaderWriterLock.ReleaseWriterLock(rw);
            });
            var cookie = ControlledReaderWriterLock.ReleaseLock(rw);
            ControlledThread.Join(writer);
            ControlledReaderWriterLock.RestoreLock(rw, ref cookie);
            Assert.True(ControlledReaderWriterLock.get_IsWriterLockHeld(rw));
            Assert.Equal(1, written);
            Assert.True(ControlledReaderWriterLock.AnyWritersSince(rw, seq));
            ControlledReaderWriterLock.ReleaseWriterLock(rw);
        }, schedules: 50);
    }
}
