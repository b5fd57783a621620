using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

public class PrimitiveTests
{
    private static void NoBug(Action test, string strategy = "random", int schedules = 100)
    {
        AssertNoBug(ScheduleExplorer.Explore(test, Opts(strategy, schedules)));
    }

    private static void NoBug(Func<Task> test, string strategy = "random", int schedules = 100)
    {
        AssertNoBug(ScheduleExplorer.Explore(test, Opts(strategy, schedules)));
    }


    [Fact]
    public void MonitorIsReentrantAndExitByNonOwnerThrows()
    {
        NoBug(() =>
        {
            var o = new object();
            ControlledMonitor.Enter(o);
            ControlledMonitor.Enter(o);
            Assert.True(ControlledMonitor.IsEntered(o));
            ControlledMonitor.Exit(o);
            Assert.True(ControlledMonitor.IsEntered(o));
            ControlledMonitor.Exit(o);
            Assert.False(ControlledMonitor.IsEntered(o));
            Assert.Throws<SynchronizationLockException>(() => ControlledMonitor.Exit(o));
            Assert.Throws<SynchronizationLockException>(() => ControlledMonitor.Pulse(o));
            Assert.Throws<SynchronizationLockException>(() => ControlledMonitor.Wait(o));
        }, schedules: 3);
    }

    [Fact]
    public void TryEnterFailsWhileHeldAndTimesOutInVirtualTime()
    {
        NoBug(() =>
        {
            var o = new object();
            var held = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var t = Start(() =>
            {
                ControlledMonitor.Enter(o);
                ControlledManualResetEventSlim.Set(held);
                ControlledManualResetEventSlim.Wait(release);
                ControlledMonitor.Exit(o);
            });
            ControlledManualResetEventSlim.Wait(held);
            Assert.False(ControlledMonitor.TryEnter(o));
            Assert.False(ControlledMonitor.TryEnter(o, 1000)); // the holder waits forever, so virtual time passes
            ControlledManualResetEventSlim.Set(release);
            Assert.True(ControlledMonitor.TryEnter(o, Timeout.Infinite));
            ControlledMonitor.Exit(o);
            ControlledThread.Join(t);
        });
    }

    [Fact]
    public void MonitorWaitReleasesAndReacquiresAndPulseWakesOne()
    {
        NoBug(() =>
        {
            var o = new object();
            int woken = 0;
            int ready = 0;
            var waiters = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                ControlledMonitor.Enter(o);
                ready++;
                ControlledMonitor.Wait(o); // releases o so main can enter
                Assert.True(ControlledMonitor.IsEntered(o));
                woken++;
                ControlledMonitor.Exit(o);
            })).ToList();
            while (true)
            {
                ControlledMonitor.Enter(o);
                if (ready == 2)
                {
                    break;
                }

                ControlledMonitor.Exit(o);
                ControlledThread.Yield();
            }

            ControlledMonitor.Pulse(o);
            ControlledMonitor.Exit(o);
            ControlledThread.Sleep(10);
            ControlledMonitor.Enter(o);
            Assert.Equal(1, woken);
            ControlledMonitor.PulseAll(o);
            ControlledMonitor.Exit(o);
            waiters.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(2, woken);
        });
    }

    [Fact]
    public void MonitorWaitTimeoutReturnsFalse()
    {
        NoBug(() =>
        {
            var o = new object();
            ControlledMonitor.Enter(o);
            Assert.False(ControlledMonitor.Wait(o, 50));
            Assert.True(ControlledMonitor.IsEntered(o));
            ControlledMonitor.Exit(o);
        }, schedules: 3);
    }

    /// <summary>Bounded buffer of capacity 1 with one condition and Pulse instead of PulseAll: 2 producers, 2 consumers can all end up waiting.</summary>
    private static void BoundedBuffer(bool pulseAll)
    {
        var gate = new object();
        int count = 0;
        const int items = 2;
        void Signal()
        {
            if (pulseAll)
            {
                ControlledMonitor.PulseAll(gate);
            }
            else
            {
                ControlledMonitor.Pulse(gate);
            }
        }

        var threads = new List<Thread>();
        for (int p = 0; p < 2; p++)
        {
            threads.Add(Start(() =>
            {
                for (int i = 0; i < items; i++)
                {
                    ControlledMonitor.Enter(gate);
                    while (count == 1)
                    {
                        ControlledMonitor.Wait(gate);
                    }

                    count++;
                    Signal();
                    ControlledMonitor.Exit(gate);
                }
            }));
        }

        for (int c = 0; c < 2; c++)
        {
            threads.Add(Start(() =>
            {
                for (int i = 0; i < items; i++)
                {
                    ControlledMonitor.Enter(gate);
                    while (count == 0)
                    {
                        ControlledMonitor.Wait(gate);
                    }

                    count--;
                    Signal();
                    ControlledMonitor.Exit(gate);
                }
            }));
        }

        threads.ForEach(t => ControlledThread.Join(t));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("pct")]
    [InlineData("dfs")]
    [InlineData("portfolio")]
    public void PulseInsteadOfPulseAllDeadlockIsFound(string strategy)
    {
        var r = ScheduleExplorer.Explore(() => BoundedBuffer(pulseAll: false), Opts(strategy, 5000));
        Assert.NotNull(r.Bug);
        Assert.Equal(BugKind.Deadlock, r.Bug!.Kind);
        Assert.Contains("waits for a Pulse of lock A", r.Bug.Message);
    }

    [Fact]
    public void PulseAllBufferIsCorrect()
    {
        NoBug(() => BoundedBuffer(pulseAll: true), "portfolio", 300);
    }

    [Fact]
    public void SystemLockScopeAndTryEnter()
    {
        NoBug(() =>
        {
            var l = new Lock();
            var c = new Counter();
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                var scope = ControlledLock.EnterScope(l);
                try
                {
                    Assert.True(ControlledLock.get_IsHeldByCurrentThread(l));
                    RacyIncrement(c);
                }
                finally
                {
                    ControlledLockScope.Dispose(ref scope);
                }
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(2, c.Value);
            Assert.True(ControlledLock.TryEnter(l));
            ControlledLock.Exit(l);
            Assert.Throws<SynchronizationLockException>(() => ControlledLock.Exit(l));
        }, "portfolio", 200);
    }

    [Fact]
    public void InterlockedIncrementHasNoLostUpdate()
    {
        NoBug(() =>
        {
            int x = 0;
            long y = 0;
            object? o = null;
            var ts = Enumerable.Range(0, 3).Select(_ => Start(() =>
            {
                ControlledInterlocked.Increment(ref x);
                ControlledInterlocked.Add(ref y, 2);
                ControlledInterlocked.CompareExchange(ref o, new object(), null);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(3, ControlledVolatile.Read(ref x));
            Assert.Equal(6, ControlledInterlocked.Read(ref y));
            Assert.NotNull(o);
        }, "portfolio", 300);
    }

    [Fact]
    public void CompareExchangeLoopWithSplitReadFindsNoBugButNonAtomicCheckThenActDoes()
    {
        // Check-then-act with Volatile (not atomic): two threads may both see 0 and both "win".
        var r = ScheduleExplorer.Explore(() =>
        {
            int owner = 0;
            int winners = 0;
            var ts = Enumerable.Range(1, 2).Select(i => Start(() =>
            {
                if (ControlledVolatile.Read(ref owner) == 0)
                {
                    ControlledVolatile.Write(ref owner, i);
                    ControlledInterlocked.Increment(ref winners);
                }
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            if (winners != 1)
            {
                throw new InvalidOperationException("two winners");
            }
        }, Opts("portfolio", 500));
        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
    }

    [Fact]
    public void SemaphoreSlimCountsAndTimesOut()
    {
        NoBug(() =>
        {
            var s = ControlledSemaphoreSlim.New(2, 3);
            Assert.True(ControlledSemaphoreSlim.Wait(s, 0));
            Assert.True(ControlledSemaphoreSlim.Wait(s, 0));
            Assert.Equal(0, ControlledSemaphoreSlim.get_CurrentCount(s));
            Assert.False(ControlledSemaphoreSlim.Wait(s, 0));
            Assert.False(ControlledSemaphoreSlim.Wait(s, 100));
            Assert.Equal(0, ControlledSemaphoreSlim.Release(s, 3));
            Assert.Throws<SemaphoreFullException>(() => ControlledSemaphoreSlim.Release(s));
            using var cts = new CancellationTokenSource();
            ControlledCancellationTokenSource.Cancel(cts);
            Assert.Throws<OperationCanceledException>(() => ControlledSemaphoreSlim.Wait(s, cts.Token));
        }, schedules: 3);
    }

    [Fact]
    public void SemaphoreSlimLimitsConcurrency()
    {
        NoBug(() =>
        {
            var s = ControlledSemaphoreSlim.New(2);
            int inside = 0;
            int max = 0;
            var ts = Enumerable.Range(0, 4).Select(_ => Start(() =>
            {
                ControlledSemaphoreSlim.Wait(s);
                int now = ControlledInterlocked.Increment(ref inside);
                max = Math.Max(max, now);
                ControlledThread.Yield();
                ControlledInterlocked.Decrement(ref inside);
                ControlledSemaphoreSlim.Release(s);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.True(max <= 2);
        }, "portfolio", 300);
    }

    [Fact]
    public void SemaphoreSlimBugIsFound()
    {
        // initialCount 3 while only 2 may be inside.
        var r = ScheduleExplorer.Explore(() =>
        {
            var s = ControlledSemaphoreSlim.New(3);
            int inside = 0;
            var ts = Enumerable.Range(0, 3).Select(_ => Start(() =>
            {
                ControlledSemaphoreSlim.Wait(s);
                if (ControlledInterlocked.Increment(ref inside) > 2)
                {
                    throw new InvalidOperationException("too many inside");
                }

                ControlledInterlocked.Decrement(ref inside);
                ControlledSemaphoreSlim.Release(s);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
        }, Opts("portfolio", 500));
        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
    }

    [Fact]
    public async Task PrimitivesBehaveLikeTheRealOnesOutsideAControlledRun()
    {
        var s = ControlledSemaphoreSlim.New(1);
        ControlledSemaphoreSlim.Wait(s);
        Assert.False(ControlledSemaphoreSlim.Wait(s, 0));
        Assert.Equal(0, ControlledSemaphoreSlim.Release(s));
        Assert.True(await ControlledSemaphoreSlim.WaitAsync(s, 10));
        var o = new object();
        ControlledMonitor.Enter(o);
        Assert.True(Monitor.IsEntered(o));
        ControlledMonitor.Exit(o);
        int x = 0;
        ControlledInterlocked.Increment(ref x);
        Assert.Equal(1, x);
        var t = ControlledThread.New(() => ControlledInterlocked.Increment(ref x));
        ControlledThread.Start(t);
        ControlledThread.Join(t);
        Assert.Equal(2, x);
        Assert.Equal(3, await ControlledTask.Run(() => 3));
        var ev = new ManualResetEventSlim();
        ControlledManualResetEventSlim.Set(ev);
        Assert.True(ev.IsSet);
    }

    [Fact]
    public void ManualResetEventSlimAndAutoResetEvent()
    {
        NoBug(() =>
        {
            var mres = ControlledManualResetEventSlim.New(false);
            Assert.False(ControlledManualResetEventSlim.Wait(mres, 10));
            var t = Start(() => ControlledManualResetEventSlim.Set(mres));
            ControlledManualResetEventSlim.Wait(mres);
            Assert.True(ControlledManualResetEventSlim.get_IsSet(mres));
            ControlledThread.Join(t);

            var are = ControlledAutoResetEvent.New(false);
            int passed = 0;
            var ws = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                if (ControlledWaitHandle.WaitOne(are, 100))
                {
                    ControlledInterlocked.Increment(ref passed);
                }
            })).ToList();
            ControlledEventWaitHandle.Set(are);
            ws.ForEach(w => ControlledThread.Join(w));
            Assert.Equal(1, passed); // auto-reset lets exactly one through

            var mre = ControlledManualResetEvent.New(true);
            Assert.True(ControlledWaitHandle.WaitOne(mre, 0));
            Assert.True(ControlledWaitHandle.WaitOne(mre, 0));
        }, "portfolio", 200);
    }

    [Fact]
    public void CountdownEventAndBarrier()
    {
        NoBug(() =>
        {
            var cd = ControlledCountdownEvent.New(2);
            int phaseActions = 0;
            var barrier = ControlledBarrier.New(2, _ => phaseActions++);
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                ControlledBarrier.SignalAndWait(barrier);
                ControlledBarrier.SignalAndWait(barrier);
                ControlledCountdownEvent.Signal(cd);
            })).ToList();
            ControlledCountdownEvent.Wait(cd);
            Assert.Equal(2, phaseActions);
            Assert.Equal(2, ControlledBarrier.get_CurrentPhaseNumber(barrier));
            Assert.Throws<InvalidOperationException>(() => ControlledCountdownEvent.Signal(cd));
            Assert.False(ControlledCountdownEvent.TryAddCount(cd));
            ts.ForEach(t => ControlledThread.Join(t));
        }, "portfolio", 200);
    }

    [Fact]
    public void TaskRunWaitResultWhenAll()
    {
        NoBug(() =>
        {
            int x = 0;
            var a = ControlledTask.Run(() => ControlledInterlocked.Increment(ref x));
            var b = ControlledTask.Run(() => 41);
            ControlledTask.Wait(a);
            Assert.Equal(41, ControlledTask<int>.get_Result(b));
            var all = ControlledTask.WhenAll(ControlledTask.Run(() => ControlledInterlocked.Increment(ref x)), ControlledTask.Run(() => ControlledInterlocked.Increment(ref x)));
            ControlledTask.Wait(all);
            Assert.Equal(3, x);
            var failing = ControlledTask.Run(() => throw new FormatException());
            var ex = Assert.Throws<AggregateException>(() => ControlledTask.Wait(failing));
            Assert.IsType<FormatException>(ex.InnerException);
        }, "portfolio", 200);
    }

    [Fact]
    public void AsyncAwaitLostUpdateIsFound()
    {
        static async Task Test()
        {
            var c = new Counter();
            async Task Work()
            {
                await Task.Yield();
                SharedMemoryHooks.BeforeFieldRead(c, "Counter.Value");
                int v = c.Value;
                await ControlledTask.Delay(1);
                SharedMemoryHooks.BeforeFieldWrite(c, "Counter.Value");
                c.Value = v + 1;
            }

            await ControlledTask.WhenAll(ControlledTask.Run(Work), ControlledTask.Run(Work));
            if (c.Value != 2)
            {
                throw new InvalidOperationException("lost update " + c.Value);
            }
        }

        var r = ScheduleExplorer.Explore(Test, Opts("portfolio", 500));
        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
        Assert.Contains(r.Bug!.Trace, s => s.OperationName.StartsWith("continuation"));
    }

    [Fact]
    public void AsyncSemaphoreProtectedCounterIsCorrect()
    {
        static async Task Test()
        {
            var c = new Counter();
            var s = ControlledSemaphoreSlim.New(1);
            async Task Work()
            {
                await ControlledSemaphoreSlim.WaitAsync(s);
                try
                {
                    SharedMemoryHooks.BeforeFieldRead(c, "Counter.Value");
                    int v = c.Value;
                    await ControlledTask.ConfigureAwait(ControlledTask.Delay(5), false);
                    SharedMemoryHooks.BeforeFieldWrite(c, "Counter.Value");
                    c.Value = v + 1;
                }
                finally
                {
                    ControlledSemaphoreSlim.Release(s);
                }
            }

            await ControlledTask.WhenAll(ControlledTask.Run(Work), ControlledTask.Run(Work), Work());
            Assert.Equal(3, c.Value);
        }

        NoBug(Test, "portfolio", 300);
    }

    [Fact]
    public void AwaitingANeverCompletedTaskIsADeadlock()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            var tcs = new TaskCompletionSource();
            await tcs.Task;
        }, Opts(schedules: 5));
        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
        Assert.Contains("main waits for Task object A", r.Bug!.Message); // a Task no thread runs, named apart from running tasks
    }

    [Fact]
    public void DelayAndTimeoutsUseVirtualTime()
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        NoBug(async () =>
        {
            var delay = ControlledTask.Delay(TimeSpan.FromHours(1));
            var tcs = new TaskCompletionSource<int>();
            var first = await ControlledTask.WhenAny(delay, tcs.Task);
            Assert.Same(delay, first);
            using var cts = new CancellationTokenSource();
            ControlledCancellationTokenSource.CancelAfter(cts, 500);
            try
            {
                await ControlledTask.Delay(-1, cts.Token);
                Assert.Fail("not cancelled");
            }
            catch (OperationCanceledException)
            {
            }
        }, schedules: 20);
        Assert.True(wall.Elapsed < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void LibraryContinuationOnThreadPoolIsUncontrolledNotDeadlock()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t = ControlledTask.Run(() => ControlledTaskCompletionSource.SetResult(tcs));
            await tcs.Task.ConfigureAwait(false); // not rewritten: continues on the thread pool
            await t;
        }, Opts(schedules: 20));
        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
    }

    [Fact]
    public void ExceptionInAsyncVoidIsABug()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            async void Fire()
            {
                await Task.Yield();
                throw new ArithmeticException("async void");
            }

            Fire();
        }, Opts(schedules: 5));
        Assert.Equal(BugKind.Exception, r.Bug?.Kind);
        Assert.IsType<ArithmeticException>(r.Bug!.Exception);
    }
}
