using System.Threading.Channels;
using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

public class MorePrimitiveTests
{
    private static void NoBug(Action test, string strategy = "portfolio", int schedules = 150)
    {
        AssertNoBug(ScheduleExplorer.Explore(test, Opts(strategy, schedules)));
    }

    private static void NoBug(Func<Task> test, string strategy = "portfolio", int schedules = 150)
    {
        AssertNoBug(ScheduleExplorer.Explore(test, Opts(strategy, schedules)));
    }


    [Fact]
    public void ReaderWriterLockSlimExcludesWritersAndAllowsReaders()
    {
        NoBug(() =>
        {
            var rw = ControlledReaderWriterLockSlim.New();
            int readers = 0;
            int writers = 0;
            bool sawTwoReaders = false;
            var ts = new List<Thread>();
            for (int i = 0; i < 2; i++)
            {
                ts.Add(Start(() =>
                {
                    ControlledReaderWriterLockSlim.EnterReadLock(rw);
                    Assert.Equal(0, writers);
                    readers++;
                    ControlledThread.Yield();
                    sawTwoReaders |= readers == 2;
                    readers--;
                    ControlledReaderWriterLockSlim.ExitReadLock(rw);
                }));
            }

            ts.Add(Start(() =>
            {
                ControlledReaderWriterLockSlim.EnterWriteLock(rw);
                Assert.Equal(0, readers);
                writers++;
                ControlledThread.Yield();
                writers--;
                ControlledReaderWriterLockSlim.ExitWriteLock(rw);
            }));
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Throws<SynchronizationLockException>(() => ControlledReaderWriterLockSlim.ExitReadLock(rw));
            ControlledReaderWriterLockSlim.EnterReadLock(rw);
            Assert.Throws<LockRecursionException>(() => ControlledReaderWriterLockSlim.EnterReadLock(rw));
            Assert.Throws<LockRecursionException>(() => ControlledReaderWriterLockSlim.EnterWriteLock(rw));
            ControlledReaderWriterLockSlim.ExitReadLock(rw);
            ControlledReaderWriterLockSlim.EnterUpgradeableReadLock(rw);
            ControlledReaderWriterLockSlim.EnterWriteLock(rw);
            Assert.True(ControlledReaderWriterLockSlim.get_IsWriteLockHeld(rw));
            ControlledReaderWriterLockSlim.ExitWriteLock(rw);
            ControlledReaderWriterLockSlim.ExitUpgradeableReadLock(rw);
        });
    }

    [Fact]
    public void TwoReadersCanBeInsideTogether()
    {
        bool seen = false;
        ScheduleExplorer.Explore(() =>
        {
            var rw = ControlledReaderWriterLockSlim.New();
            int inside = 0;
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                ControlledReaderWriterLockSlim.EnterReadLock(rw);
                inside++;
                ControlledThread.Yield();
                if (inside == 2)
                {
                    seen = true;
                }

                inside--;
                ControlledReaderWriterLockSlim.ExitReadLock(rw);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
        }, Opts("dfs", 1000) with { MaxPreemptions = -1 });
        Assert.True(seen);
    }

    [Fact]
    public void LockOrderDeadlockWithSystemLockAndRwLockIsFound()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var a = new Lock();
            var b = ControlledReaderWriterLockSlim.New();
            var t1 = Start(() =>
            {
                ControlledLock.Enter(a);
                ControlledReaderWriterLockSlim.EnterWriteLock(b);
                ControlledReaderWriterLockSlim.ExitWriteLock(b);
                ControlledLock.Exit(a);
            });
            var t2 = Start(() =>
            {
                ControlledReaderWriterLockSlim.EnterWriteLock(b);
                ControlledLock.Enter(a);
                ControlledLock.Exit(a);
                ControlledReaderWriterLockSlim.ExitWriteLock(b);
            });
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
        }, Opts("portfolio", 500));
        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
        Assert.Contains("holds", r.Bug!.Message);
        Assert.Contains("rwlock", r.Bug.Message);
    }

    [Fact]
    public void ParallelForAndInvoke()
    {
        NoBug(() =>
        {
            int sum = 0;
            var result = ControlledParallel.For(0, 10, i => ControlledInterlocked.Add(ref sum, i));
            Assert.True(result.IsCompleted);
            Assert.Equal(45, sum);
            int calls = 0;
            ControlledParallel.Invoke(() => ControlledInterlocked.Increment(ref calls), () => ControlledInterlocked.Increment(ref calls));
            Assert.Equal(2, calls);
            var items = new List<int>();
            var gate = new object();
            ControlledParallel.ForEach(new[] { 1, 2, 3 }, x =>
            {
                ControlledMonitor.Enter(gate);
                items.Add(x);
                ControlledMonitor.Exit(gate);
            });
            Assert.Equal(3, items.Count);
            var ex = Assert.Throws<AggregateException>(() => ControlledParallel.For(0, 4, i =>
            {
                if (i == 2)
                {
                    throw new FormatException();
                }
            }));
            Assert.IsType<FormatException>(ex.InnerException);
        });
    }

    [Fact]
    public void ParallelForLostUpdateIsFound()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var c = new Counter();
            ControlledParallel.For(0, 2, _ => RacyIncrement(c));
            if (c.Value != 2)
            {
                throw new InvalidOperationException("lost");
            }
        }, Opts("portfolio", 500));
        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
    }

    [Fact]
    public void TimerFiresInVirtualTimeAndStopsWhenDisposed()
    {
        NoBug(() =>
        {
            int fired = 0;
            var timer = ControlledTimer.New(_ => ControlledInterlocked.Increment(ref fired), null, 100, 100);
            ControlledThread.Sleep(350);
            ControlledTimer.Dispose(timer);
            int seen = ControlledVolatile.Read(ref fired);
            Assert.InRange(seen, 3, 4);
            ControlledThread.Sleep(1000);
            Assert.Equal(seen, ControlledVolatile.Read(ref fired));
        }, "random", 20);
    }

    /// <summary>Virtual time moves with waits, and a little with work (each clock read takes some tens of nanoseconds), never by a millisecond.</summary>
    private static void AssertAbout(TimeSpan expected, TimeSpan actual) =>
        Assert.True(actual >= expected && actual - expected < TimeSpan.FromMilliseconds(1), $"expected about {expected}, got {actual}");

    [Fact]
    public void AStopwatchMadeInARunMeasuresVirtualTime()
    {
        NoBug(() =>
        {
            var sw = ControlledStopwatch.StartNew();
            ControlledThread.Sleep(1000);
            Assert.Equal(1000, ControlledStopwatch.get_ElapsedMilliseconds(sw));
            ControlledStopwatch.Stop(sw);
            var stopped = ControlledStopwatch.get_Elapsed(sw);
            ControlledThread.Sleep(500);
            Assert.Equal(stopped, ControlledStopwatch.get_Elapsed(sw));
            AssertAbout(TimeSpan.FromSeconds(1), stopped);
            Assert.False(ControlledStopwatch.get_IsRunning(sw));
            ControlledStopwatch.Start(sw);
            ControlledThread.Sleep(250);
            Assert.Equal(1250, ControlledStopwatch.get_ElapsedMilliseconds(sw));
            ControlledStopwatch.Restart(sw);
            AssertAbout(TimeSpan.Zero, ControlledStopwatch.get_Elapsed(sw));
            var later = ControlledStopwatch.New();
            Assert.False(ControlledStopwatch.get_IsRunning(later));
            ControlledThread.Sleep(100);
            Assert.Equal(0, ControlledStopwatch.get_ElapsedMilliseconds(later));
        }, "random", 5);
    }

    [Fact]
    public void AClockReadTwiceAroundWorkNeverStandsStillAndReplaysTheSame()
    {
        long FirstRun()
        {
            long elapsed = -1;
            var r = ScheduleExplorer.Explore(() =>
            {
                long before = ControlledStopwatch.GetTimestamp();
                var t1 = ControlledDateTime.get_UtcNow();
                long spin = 0;
                for (int i = 0; i < 1000; i++)
                {
                    spin += i;
                    SharedMemoryHooks.AtLoopBackEdge(1); // what the rewriter puts at each turn of a learner loop
                }

                long after = ControlledStopwatch.GetTimestamp();
                Assert.True(after > before, "the stopwatch stood still");
                Assert.True(ControlledDateTime.get_UtcNow() > t1, "UtcNow stood still");
                Assert.True(spin > 0);
                elapsed = after - before;
            }, CoreTests.Opts("random", 1) with { Seed = 7 });
            CoreTests.AssertNoBug(r);
            return elapsed;
        }

        long first = FirstRun();
        Assert.True(first > 0);
        Assert.Equal(first, FirstRun()); // the same schedule takes the same virtual time
    }

    [Fact]
    public void ALoopThatWaitsOutItsDeadlineWithWaitZeroEndsInAFewTurns()
    {
        // left = timeout - elapsed; Monitor.Wait(gate, left): a fraction of a millisecond left truncates to Wait(0), which
        // gives up at once. Each such wait takes longer than the last (a spinning thread gets descheduled), so the
        // deadline comes in a few turns, not thousands of steps.
        NoBug(() =>
        {
            var gate = new object();
            var sw = ControlledStopwatch.StartNew();
            int turns = 0;
            ControlledMonitor.Enter(gate);
            Assert.False(ControlledMonitor.Wait(gate, 0)); // some work first: the deadline is then a fraction of a millisecond off
            while (TimeSpan.FromMilliseconds(5) - ControlledStopwatch.get_Elapsed(sw) is var left && left > TimeSpan.Zero)
            {
                ControlledMonitor.Wait(gate, left);
                turns++;
            }

            ControlledMonitor.Exit(gate);
            Assert.InRange(turns, 2, 30);
        }, "random", 5);
    }

    [Fact]
    public void TimeProviderIsVirtual()
    {
        NoBug(async () =>
        {
            var tp = ControlledTimeProviderInterception.get_System();
            var start = tp.GetUtcNow();
            long ts = tp.GetTimestamp();
            await ControlledTask.Delay(TimeSpan.FromMinutes(5));
            AssertAbout(TimeSpan.FromMinutes(5), tp.GetUtcNow() - start);
            AssertAbout(TimeSpan.FromMinutes(5), tp.GetElapsedTime(ts));
            var fired = new TaskCompletionSource();
            using var timer = tp.CreateTimer(_ => fired.TrySetResult(), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
            await fired.Task;
            AssertAbout(TimeSpan.FromSeconds(330), tp.GetUtcNow() - start);
        }, "random", 10);
    }

    [Fact]
    public void SpinUntilTimesOutInVirtualTime()
    {
        NoBug(() => Assert.False(ControlledSpinWait.SpinUntil(() => false, 200)), "random", 5);
    }

    [Fact]
    public void BoundedChannelProducerConsumer()
    {
        NoBug(async () =>
        {
            var ch = Channel.CreateBounded<int>(1);
            var producer = ControlledTask.Run(async () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    await ControlledChannelWriter<int>.WriteAsync(ch.Writer, i, default);
                }

                ControlledChannelWriter<int>.Complete(ch.Writer, null);
            });
            var got = new List<int>();
            await foreach (var x in ControlledChannelReader<int>.ReadAllAsync(ch.Reader, default))
            {
                got.Add(x);
            }

            await producer;
            Assert.Equal([0, 1, 2], got);
        }, "portfolio", 100);
    }

    [Fact]
    public void ControlledNondeterminismIsExploredByDfs()
    {
        var seen = new HashSet<int>();
        var r = ScheduleExplorer.Explore(() =>
        {
            lock (seen)
            {
                seen.Add(ScheduleExplorer.NextInteger(3) * 10 + (ScheduleExplorer.NextBoolean() ? 1 : 0));
            }
        }, Opts("dfs", 100));
        Assert.True(r.SpaceExhausted);
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, r.SchedulesExplored);
    }

    [Fact]
    public void RegisteredWaitRunsItsCallbackWhenTheHandleIsSetOrTimesOut()
    {
        NoBug(() =>
        {
            var work = ControlledAutoResetEvent.New(false);
            var done = ControlledManualResetEvent.New(false);
            bool? timedOut = null;
            ControlledThreadPool.RegisterWaitForSingleObject(work, (_, t) => { timedOut = t; ControlledEventWaitHandle.Set(done); }, null, Timeout.Infinite, true);
            ControlledEventWaitHandle.Set(work);
            Assert.True(ControlledWaitHandle.WaitOne(done));
            Assert.False(timedOut);

            var never = ControlledManualResetEvent.New(false);
            var late = ControlledManualResetEvent.New(false);
            ControlledThreadPool.RegisterWaitForSingleObject(never, (_, t) => { timedOut = t; ControlledEventWaitHandle.Set(late); }, null, 500, true);
            Assert.True(ControlledWaitHandle.WaitOne(late));
            Assert.True(timedOut);
        }, "random", 50);
    }

    [Fact]
    public void UnregisteringARepeatedWaitStopsCallbacksAndSignalsOnceNoneRuns()
    {
        NoBug(() =>
        {
            var work = ControlledAutoResetEvent.New(false);
            var handled = ControlledSemaphore.New(0, 10);
            int calls = 0;
            bool inCallback = false;
            var registration = ControlledThreadPool.RegisterWaitForSingleObject(work, (_, _) =>
            {
                ControlledVolatile.Write(ref inCallback, true);
                ControlledInterlocked.Increment(ref calls);
                ControlledVolatile.Write(ref inCallback, false);
                ControlledSemaphore.Release(handled);
            }, null, Timeout.Infinite, false);
            for (int i = 0; i < 3; i++)
            {
                ControlledEventWaitHandle.Set(work);
                Assert.True(ControlledWaitHandle.WaitOne(handled));
            }

            ControlledEventWaitHandle.Set(work); // may or may not be handled before the unregistration
            var unregistered = ControlledManualResetEvent.New(false);
            Assert.True(RegisteredWaits.Unregister(registration, unregistered));
            Assert.True(ControlledWaitHandle.WaitOne(unregistered));
            Assert.False(ControlledVolatile.Read(ref inCallback));
            int seen = ControlledVolatile.Read(ref calls);
            Assert.InRange(seen, 3, 4);
            ControlledEventWaitHandle.Set(work);
            ControlledThread.Sleep(1000);
            Assert.Equal(seen, ControlledVolatile.Read(ref calls));
            Assert.False(RegisteredWaits.Unregister(registration, null));
        }, "random", 100);
    }

    [Fact]
    public void DisposingATimerWithAHandleSignalsItOnceNoCallbackRuns()
    {
        NoBug(() =>
        {
            int fired = 0;
            bool inCallback = false;
            var timer = ControlledTimer.New(_ =>
            {
                ControlledVolatile.Write(ref inCallback, true);
                ControlledInterlocked.Increment(ref fired);
                ControlledVolatile.Write(ref inCallback, false);
            }, null, 100, 100);
            ControlledThread.Sleep(250);
            var disposed = ControlledManualResetEvent.New(false);
            Assert.True(ControlledTimer.Dispose(timer, disposed));
            Assert.True(ControlledWaitHandle.WaitOne(disposed));
            Assert.False(ControlledVolatile.Read(ref inCallback));
            int seen = ControlledVolatile.Read(ref fired);
            ControlledThread.Sleep(1000);
            Assert.Equal(seen, ControlledVolatile.Read(ref fired));
            Assert.False(ControlledTimer.Dispose(timer, ControlledManualResetEvent.New(false)));
        }, "random", 50);
    }

    [Fact]
    public void DisposingARegistrationWaitsInTheSchedulerForItsRunningCallback()
    {
        NoBug(() =>
        {
            var cts = new CancellationTokenSource();
            var token = cts.Token;
            int inCallback = 0;
            var registration = ControlledCancellationToken.Register(ref token, () =>
            {
                ControlledVolatile.Write(ref inCallback, 1);
                ControlledThread.Yield();
                ControlledVolatile.Write(ref inCallback, 0);
            });
            var canceller = ControlledThread.New(() => ControlledCancellationTokenSource.Cancel(cts));
            ControlledThread.Start(canceller);
            Registrations.Dispose(ref registration);
            Assert.Equal(0, ControlledVolatile.Read(ref inCallback)); // once Dispose returns, the callback is not running
            ControlledThread.Join(canceller);
        }, "random", 100);
    }
}
