using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

public class AsyncPrimitiveTests
{
    private static void NoBug(Func<Task> test, string strategy = "portfolio", int schedules = 100)
    {
        var r = ScheduleExplorer.Explore(test, Opts(strategy, schedules));
        AssertNoBug(r);
    }

    [Fact]
    public void SemaphoreWaitAsyncTimesOutAndCancels()
    {
        NoBug(async () =>
        {
            var s = ControlledSemaphoreSlim.New(0);
            Assert.False(await ControlledSemaphoreSlim.WaitAsync(s, 100));
            using var cts = new CancellationTokenSource();
            var pending = ControlledSemaphoreSlim.WaitAsync(s, cts.Token);
            Assert.False(pending.IsCompleted);
            ControlledCancellationTokenSource.Cancel(cts);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
            Assert.Equal(0, ControlledSemaphoreSlim.get_CurrentCount(s)); // the cancelled waiter took nothing
            var first = ControlledSemaphoreSlim.WaitAsync(s);
            var second = ControlledSemaphoreSlim.WaitAsync(s);
            ControlledSemaphoreSlim.Release(s);
            await first; // FIFO
            Assert.False(second.IsCompleted);
            ControlledSemaphoreSlim.Release(s);
            await second;
        });
    }

    [Fact]
    public void BarrierTimeoutUndoesTheSignal()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var b = ControlledBarrier.New(2);
            Assert.False(ControlledBarrier.SignalAndWait(b, 50));
            Assert.Equal(2, ControlledBarrier.get_ParticipantsRemaining(b));
            Assert.Equal(0, ControlledBarrier.get_CurrentPhaseNumber(b));
        }, Opts(schedules: 3));
        Assert.Null(r.Bug);
    }

    [Fact]
    public void MonitorWaitWithTimeoutCompetesForTheLockAgain()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var o = new object();
            var t = ControlledThread.New(() =>
            {
                ControlledMonitor.Enter(o);
                ControlledThread.Sleep(100); // holds the lock past the waiter's timeout
                ControlledMonitor.Exit(o);
            });
            ControlledMonitor.Enter(o);
            ControlledThread.Start(t);
            bool pulsed = ControlledMonitor.Wait(o, 10);
            Assert.False(pulsed);
            Assert.True(ControlledMonitor.IsEntered(o));
            ControlledMonitor.Exit(o);
            ControlledThread.Join(t);
        }, Opts("portfolio", 100));
        Assert.True(r.Bug is null, r.Bug?.Message);
    }

    [Fact]
    public void TaskCompletionSourceWithRunContinuationsAsynchronouslyAndWhenAll()
    {
        NoBug(async () =>
        {
            var a = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var b = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var setter = ControlledTask.Run(() =>
            {
                ControlledTaskCompletionSource<int>.SetResult(a, 1);
                ControlledTaskCompletionSource<int>.SetResult(b, 2);
            });
            var all = await ControlledTask.WhenAll(a.Task, b.Task);
            Assert.Equal([1, 2], all);
            await setter;
        });
    }

    [Fact]
    public void SyncOverAsyncDeadlockIsNotReportedWhenThereIsNoContextCapture()
    {
        // .Result on a task whose continuation needs no blocked thread is fine.
        NoBug(async () =>
        {
            static async Task<int> Compute()
            {
                await Task.Yield();
                return 5;
            }

            var t = ControlledTask.Run(Compute);
            Assert.Equal(5, ControlledTask<int>.get_Result(t));
            await Task.CompletedTask;
        });
    }
}

public class ThreadLocalTests
{
    [Fact]
    public void ThreadLocalValuesArePerOperationAndAsyncLocalFlowsToThreads()
    {
        var asyncLocal = new AsyncLocal<string>();
        var r = ScheduleExplorer.Explore(() =>
        {
            var local = ControlledThreadLocal<int>.New(() => 10, trackAllValues: true);
            asyncLocal.Value = "from main";
            string? seen = null;
            var ts = Enumerable.Range(1, 2).Select(i =>
            {
                var t = ControlledThread.New(() =>
                {
                    Assert.Equal(10, ControlledThreadLocal<int>.get_Value(local));
                    ControlledThreadLocal<int>.set_Value(local, i);
                    ControlledThread.Yield();
                    Assert.Equal(i, ControlledThreadLocal<int>.get_Value(local));
                    seen = asyncLocal.Value;
                });
                ControlledThread.Start(t);
                return t;
            }).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal("from main", seen);
            Assert.False(ControlledThreadLocal<int>.get_IsValueCreated(local));
            Assert.Equal([1, 2], ControlledThreadLocal<int>.get_Values(local).Order());
        }, CoreTests.Opts("portfolio", 100));
        Assert.True(r.Bug is null, r.Bug?.Message + r.Bug?.Exception);
    }
}

public class ThreadPoolTests
{
    [Fact]
    public void QueuedWorkItemsAreControlledAndExceptionsAreBugs()
    {
        var ok = ScheduleExplorer.Explore(() =>
        {
            using var done = new CountdownEvent(2);
            int x = 0;
            ControlledThreadPool.QueueUserWorkItem(_ => { ControlledInterlocked.Increment(ref x); ControlledCountdownEvent.Signal(done); });
            ControlledThreadPool.QueueUserWorkItem(s => { ControlledInterlocked.Add(ref x, (int)s!); ControlledCountdownEvent.Signal(done); }, 10);
            ControlledCountdownEvent.Wait(done);
            Assert.Equal(11, x);
        }, CoreTests.Opts("portfolio", 100));
        Assert.True(ok.Bug is null, ok.Bug?.Message);

        var bad = ScheduleExplorer.Explore(() =>
        {
            ControlledThreadPool.QueueUserWorkItem(_ => throw new DivideByZeroException());
            ControlledThread.Sleep(10);
        }, CoreTests.Opts("random", 10));
        Assert.IsType<DivideByZeroException>(bad.Bug?.Exception);
    }
}

public class SyncOverAsyncTests
{
    [Fact]
    public void GetResultVariantsBlockInTheScheduler()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            static async Task<int> Slow()
            {
                await ControlledTask.Delay(10);
                return 7;
            }

            var a = ControlledTask.Run(Slow);
            var awaiter = a.GetAwaiter();
            Assert.Equal(7, ControlledTaskAwaiter<int>.GetResult(ref awaiter));
            var b = ControlledTask.Run(() => ControlledTask.Delay(10));
            var bAwaiter = b.GetAwaiter();
            ControlledTaskAwaiter.GetResult(ref bAwaiter);
            var c = ControlledTask.Run(Slow);
            var cAwaiter = ControlledTask<int>.ConfigureAwait(c, false).GetAwaiter();
            Assert.Equal(7, ControlledConfiguredTaskAwaiter<int>.GetResult(ref cAwaiter));
            var d = ControlledTask.Run(() => ControlledTask.Delay(10));
            var dAwaiter = ControlledTask.ConfigureAwait(d, false).GetAwaiter();
            ControlledConfiguredTaskAwaiter.GetResult(ref dAwaiter);
        }, CoreTests.Opts("portfolio", 50));
        Assert.True(r.Bug is null, r.Bug?.Message + r.Bug?.Exception);
    }

    [Fact]
    public void SyncOverAsyncOnASingleThreadedContextIsADeadlock()
    {
        // A task that needs the blocked operation itself to finish (a lock held by the waiter) never completes.
        var r = ScheduleExplorer.Explore(() =>
        {
            var gate = new object();
            ControlledMonitor.Enter(gate);
            var t = ControlledTask.Run(() =>
            {
                ControlledMonitor.Enter(gate);
                ControlledMonitor.Exit(gate);
            });
            ControlledTask.Wait(t);
            ControlledMonitor.Exit(gate);
        }, CoreTests.Opts("random", 20));
        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
        Assert.Contains("main holds lock A, waits for task", r.Bug!.Message);
    }
}
