using System.Collections.Concurrent;
using KataServer.Scheduling.Interception;
using static KataServer.Scheduling.Tests.CoreTests;

namespace KataServer.Scheduling.Tests;

/// <summary>Semaphore, Mutex, BlockingCollection, LazyInitializer, Parallel's async loops and ValueTask.AsTask under control behave like the real ones.</summary>
public class FrameworkApiTests
{
    private static void NoBug(Action test, int schedules = 150)
    {
        AssertNoBug(ScheduleExplorer.Explore(test, Opts("portfolio", schedules)));
    }


    [Fact]
    public void SemaphoreLetsAtMostItsCountIn()
    {
        NoBug(() =>
        {
            var gate = ControlledSemaphore.New(2, 2);
            int inside = 0, most = 0;
            var ts = Enumerable.Range(0, 3).Select(_ => Start(() =>
            {
                ControlledWaitHandle.WaitOne(gate);
                int now = ControlledInterlocked.Increment(ref inside);
                lock (gate) most = Math.Max(most, now);
                ControlledThread.Yield();
                ControlledInterlocked.Decrement(ref inside);
                ControlledSemaphore.Release(gate);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.InRange(most, 1, 2);
        });
    }

    [Fact]
    public void SemaphoreTimesOutAndRefusesToOverflow()
    {
        NoBug(() =>
        {
            var gate = ControlledSemaphore.New(0, 1);
            Assert.False(ControlledWaitHandle.WaitOne(gate, 50)); // virtual time: returns at once in real time
            Assert.Equal(0, ControlledSemaphore.Release(gate));
            Assert.Throws<SemaphoreFullException>(() => ControlledSemaphore.Release(gate));
            Assert.True(ControlledWaitHandle.WaitOne(gate, 0));
        }, schedules: 5);
    }

    [Fact]
    public void SemaphoreMadeOutsideTheRunKeepsItsRealCount()
    {
        var made = new Semaphore(1, 5);
        NoBug(() =>
        {
            Assert.True(ControlledWaitHandle.WaitOne(made, 0));
            Assert.False(ControlledWaitHandle.WaitOne(made, 0));
        }, schedules: 3);
    }

    [Fact]
    public void MutexExcludesAndIsReentrant()
    {
        NoBug(() =>
        {
            var mutex = ControlledMutex.New();
            var c = new Counter();
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                ControlledWaitHandle.WaitOne(mutex);
                ControlledWaitHandle.WaitOne(mutex); // reentrant, like the real one
                RacyIncrement(c);
                ControlledMutex.ReleaseMutex(mutex);
                ControlledMutex.ReleaseMutex(mutex);
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(2, c.Value);
        });
    }

    [Fact]
    public void ReleasingAMutexOneDoesNotOwnThrows()
    {
        NoBug(() =>
        {
            var mutex = ControlledMutex.New(initiallyOwned: true);
            Exception? error = null;
            var t = Start(() =>
            {
                try { ControlledMutex.ReleaseMutex(mutex); }
                catch (ApplicationException e) { error = e; }
            });
            ControlledThread.Join(t);
            Assert.IsType<ApplicationException>(error);
            ControlledMutex.ReleaseMutex(mutex);
        }, schedules: 10);
    }

    [Fact]
    public void MutexesTakenInOppositeOrdersDeadlockWithHolders()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var a = ControlledMutex.New();
            var b = ControlledMutex.New();
            var t1 = Start(() => { ControlledWaitHandle.WaitOne(a); ControlledWaitHandle.WaitOne(b); ControlledMutex.ReleaseMutex(b); ControlledMutex.ReleaseMutex(a); });
            var t2 = Start(() => { ControlledWaitHandle.WaitOne(b); ControlledWaitHandle.WaitOne(a); ControlledMutex.ReleaseMutex(a); ControlledMutex.ReleaseMutex(b); });
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
        }, Opts("portfolio", 500));

        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
        Assert.True(r.Bug!.LocksHeld);
        Assert.Contains("holds", r.Bug.Message);
    }

    [Fact]
    public void WaitAllTakesEveryHandleAtOnce()
    {
        NoBug(() =>
        {
            var mutex = ControlledMutex.New();
            var slots = ControlledSemaphore.New(1, 1);
            var t = Start(() =>
            {
                Assert.True(ControlledWaitHandle.WaitAll([mutex, slots]));
                ControlledSemaphore.Release(slots);
                ControlledMutex.ReleaseMutex(mutex);
            });
            Assert.Equal(1, ControlledWaitHandle.WaitAny([ControlledSemaphore.New(0, 1), slots]));
            ControlledSemaphore.Release(slots);
            ControlledThread.Join(t);
        });
    }

    [Fact]
    public void BoundedBlockingCollectionKeepsOrderAndCapacity()
    {
        NoBug(() =>
        {
            var items = new BlockingCollection<int>(boundedCapacity: 1);
            int most = 0;
            var producer = Start(() =>
            {
                for (int i = 0; i < 3; i++)
                {
                    ControlledBlockingCollection<int>.Add(items, i);
                    most = Math.Max(most, items.Count);
                }

                ControlledBlockingCollection<int>.CompleteAdding(items);
            });
            var got = new List<int>();
            foreach (var x in ControlledBlockingCollection<int>.GetConsumingEnumerable(items))
            {
                got.Add(x);
            }

            ControlledThread.Join(producer);
            Assert.Equal([0, 1, 2], got);
            Assert.Equal(1, most);
            Assert.Throws<InvalidOperationException>(() => ControlledBlockingCollection<int>.Take(items));
            Assert.Throws<InvalidOperationException>(() => ControlledBlockingCollection<int>.Add(items, 9));
        });
    }

    [Fact]
    public void BlockingCollectionTimeoutsAndCancellation()
    {
        NoBug(() =>
        {
            var items = new BlockingCollection<string>(boundedCapacity: 1);
            Assert.False(ControlledBlockingCollection<string>.TryTake(items, out _, 100));
            Assert.True(ControlledBlockingCollection<string>.TryAdd(items, "a", 0));
            Assert.False(ControlledBlockingCollection<string>.TryAdd(items, "b", TimeSpan.FromSeconds(1)));
            var cts = new CancellationTokenSource();
            cts.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => ControlledBlockingCollection<string>.Add(items, "c", cts.Token));
            Assert.Equal("a", ControlledBlockingCollection<string>.Take(items));
        }, schedules: 5);
    }

    [Fact]
    public void ConsumerWaitingOnAnEmptyCollectionThatNobodyFillsIsALostWakeUp()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var items = new BlockingCollection<int>();
            ControlledBlockingCollection<int>.Take(items);
        }, Opts("random", 5));

        Assert.Equal(BugKind.Deadlock, r.Bug?.Kind);
        Assert.False(r.Bug!.LocksHeld); // nothing held: the grader reports it as a hang
        Assert.Contains("BlockingCollection", r.Bug.Message);
    }

    [Fact]
    public void LazyInitializerWithSyncLockRunsTheFactoryOnce()
    {
        NoBug(() =>
        {
            object? syncLock = null;
            bool initialized = false;
            string value = "";
            int calls = 0;
            var results = new string[3];
            var ts = Enumerable.Range(0, 3).Select(i => Start(() =>
            {
                results[i] = ControlledLazyInitializer.EnsureInitialized(ref value, ref initialized, ref syncLock, () =>
                {
                    ControlledInterlocked.Increment(ref calls);
                    return "built";
                });
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(1, calls);
            Assert.All(results, r => Assert.Equal("built", r));
        });
    }

    [Fact]
    public void LazyInTheDefaultModeRunsTheFactoryOnce()
    {
        NoBug(() =>
        {
            int calls = 0;
            var lazy = new Lazy<int>(() => ControlledInterlocked.Increment(ref calls));
            var results = new int[2];
            var ts = Enumerable.Range(0, 2).Select(i => Start(() => results[i] = ControlledLazy<int>.get_Value(lazy))).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(1, calls);
            Assert.All(results, r => Assert.Equal(1, r));
        });
    }

    [Fact]
    public void LazyPublicationOnlyLetsRacingCallersEachRunTheFactoryAndAllSeeTheFirstValue()
    {
        Action program(bool assertOneCall) => () =>
        {
            int calls = 0;
            var lazy = new Lazy<int>(() => ControlledInterlocked.Increment(ref calls), LazyThreadSafetyMode.PublicationOnly);
            var results = new int[2];
            var ts = Enumerable.Range(0, 2).Select(i => Start(() => results[i] = ControlledLazy<int>.get_Value(lazy))).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(results[0], results[1]);
            if (assertOneCall) Assert.Equal(1, calls);
        };

        NoBug(program(assertOneCall: false));
        var r = ScheduleExplorer.Explore(program(assertOneCall: true), Opts("dfs", 1000));
        Assert.NotNull(r.Bug); // the explorer sees the two factories race, as on real threads
    }

    [Fact]
    public void AFailureAfterTheWatchdogInterruptedARealWaitIsUncontrolledNotTheLearnersException()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            Exception? caught = null;
            var t = Start(() =>
            {
                try { new ManualResetEventSlim(false).Wait(); } // real, not rewritten
                catch (Exception e) { caught = e; }
            });
            ControlledThread.Join(t);
            if (caught is not null) throw new InvalidOperationException("worker failed", caught);
        }, Opts(schedules: 1) with { UncontrolledGrace = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("ManualResetEventSlim.Wait", r.Bug!.Message);
    }

    [Fact]
    public void AScheduleWhoseRealWaitTheWatchdogInterruptedIsUncontrolledEvenWhenTheProgramSwallowsIt()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var t = Start(() =>
            {
                try { new ManualResetEventSlim(false).Wait(); } // real, not rewritten
                catch (Exception) { }
            });
            ControlledThread.Join(t);
        }, Opts(schedules: 1) with { UncontrolledGrace = TimeSpan.FromMilliseconds(200) });

        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("ManualResetEventSlim.Wait", r.Bug!.Message);
    }

    [Fact]
    public void ParallelForEachAsyncHonoursItsDegreeOfParallelism()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            int running = 0, most = 0, done = 0;
            var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
            await ControlledParallel.ForEachAsync(Enumerable.Range(0, 5), options, async (i, ct) =>
            {
                int now = ControlledInterlocked.Increment(ref running);
                lock (options) most = Math.Max(most, now);
                await Task.Yield();
                ControlledInterlocked.Decrement(ref running);
                ControlledInterlocked.Increment(ref done);
            });
            Assert.Equal(5, done);
            Assert.InRange(most, 1, 2);
        }, Opts("portfolio", 150));

        AssertNoBug(r);
    }

    [Fact]
    public void ParallelForEachAsyncOverAnAsyncSequenceTakesTurnsAtTheEnumerator()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            int inside = 0;
            async IAsyncEnumerable<int> Source()
            {
                for (int i = 0; i < 4; i++)
                {
                    Assert.Equal(1, ControlledInterlocked.Increment(ref inside)); // never two workers in MoveNextAsync
                    await Task.Yield();
                    ControlledInterlocked.Decrement(ref inside);
                    yield return i;
                }
            }

            var seen = new List<int>();
            await ControlledParallel.ForEachAsync(Source(), new ParallelOptions { MaxDegreeOfParallelism = 3 }, async (i, ct) =>
            {
                await Task.Yield();
                seen.Add(i);
            });
            Assert.Equal([0, 1, 2, 3], seen.Order());
        }, Opts("portfolio", 150));

        AssertNoBug(r);
    }

    [Fact]
    public void ParallelForEachAsyncFailsWithTheExceptionOfItsAsyncSource()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            async IAsyncEnumerable<int> Source()
            {
                yield return 1;
                await Task.Yield();
                throw new InvalidOperationException("source broke");
            }

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ControlledParallel.ForEachAsync(Source(), (i, ct) => ValueTask.CompletedTask));
            Assert.Equal("source broke", error.Message);
        }, Opts("portfolio", 50));

        AssertNoBug(r);
    }

    [Fact]
    public void ParallelForEachAsyncThrowsTheFirstFailureAndCancelsTheRest()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            bool ranSecond = false, sawCancellation = false;
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ControlledParallel.ForEachAsync(new[] { 1, 2 }, async (i, ct) =>
            {
                if (i == 1) throw new InvalidOperationException("first");
                ranSecond = true;
                try { await ControlledTask.Delay(1000, ct); }
                catch (OperationCanceledException) { sawCancellation = true; }
            }));
            Assert.Equal("first", error.Message);
            Assert.Equal(ranSecond, sawCancellation); // the second body never starts, or is cancelled by the failure
        }, Opts("portfolio", 100));

        AssertNoBug(r);
    }

    [Fact]
    public void ParallelForEachAsyncIsCancelledByTheCallersToken()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            var cts = new CancellationTokenSource();
            var loop = ControlledParallel.ForEachAsync(new[] { 1, 2, 3 }, cts.Token, async (i, ct) =>
            {
                ControlledCancellationTokenSource.Cancel(cts);
                await Task.Yield();
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
            Assert.True(loop.IsCanceled);
        }, Opts("portfolio", 50));

        AssertNoBug(r);
    }

    [Fact]
    public void ParallelForKeepsToMaxDegreeOfParallelism()
    {
        NoBug(() =>
        {
            int running = 0, most = 0;
            ControlledParallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i =>
            {
                int now = ControlledInterlocked.Increment(ref running);
                most = Math.Max(most, now);
                ControlledThread.Yield();
                ControlledInterlocked.Decrement(ref running);
            });
            Assert.Equal(1, most);
        });
    }

    [Fact]
    public void AsTaskOfAPendingChannelReadCompletesUnderControl()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var channel = System.Threading.Channels.Channel.CreateBounded<int>(1);
            var pending = ControlledChannelReader<int>.ReadAsync(channel.Reader, default);
            var read = ControlledValueTask<int>.AsTask(ref pending);
            var writer = Start(() => ControlledChannelWriter<int>.TryWrite(channel.Writer, 7));
            var awaiter = read.GetAwaiter();
            Assert.Equal(7, ControlledTaskAwaiter<int>.GetResult(ref awaiter));
            ControlledThread.Join(writer);
        }, Opts("portfolio", 100));

        AssertNoBug(r);
    }

    [Fact]
    public void ExclusiveSchedulerRunsEverySegmentOfItsTasksAlone()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            var pair = ControlledConcurrentExclusiveSchedulerPair.New(TaskScheduler.Default, 1);
            var clerk = new TaskFactory(pair.ExclusiveScheduler);
            var c = new Counter();
            var segmented = ControlledTaskFactory.StartNew(clerk, async () =>
            {
                await Task.Yield(); // the rest resumes on the exclusive scheduler, as on real threads
                RacyIncrement(c);
            }).Unwrap();
            var plain = ControlledTaskFactory.StartNew(clerk, () => RacyIncrement(c));
            await plain;
            await segmented;
            pair.Complete();
            await ControlledConcurrentExclusiveSchedulerPair.get_Completion(pair);
            Assert.Equal(2, c.Value);
        }, Opts("portfolio", 200));

        AssertNoBug(r);
    }

    [Fact]
    public void ContinueWithAfterAnAwaitStaysUnderControl()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            Task tail = Task.CompletedTask;
            int balance = 0;
            Task<int> Link(Func<int> f)
            {
                var next = ControlledTask.ContinueWith(tail, _ => f()); // TaskScheduler.Current is Default after an await
                tail = next;
                return next;
            }

            Assert.Equal(0, await Link(() => balance));
            await Link(() => balance += 10);
            Assert.Equal(10, await Link(() => balance));
        }, Opts("portfolio", 50));

        AssertNoBug(r);
    }

    private sealed class SpinLockBox
    {
        public SpinLock Gate = new(enableThreadOwnerTracking: false);
    }

    [Fact]
    public void SpinLockExcludesAndTimesOutInVirtualTime()
    {
        NoBug(() =>
        {
            var box = new SpinLockBox();
            var c = new Counter();
            var ts = Enumerable.Range(0, 2).Select(_ => Start(() =>
            {
                bool taken = false;
                try
                {
                    ControlledSpinLock.Enter(ref box.Gate, ref taken);
                    RacyIncrement(c);
                }
                finally
                {
                    if (taken) ControlledSpinLock.Exit(ref box.Gate);
                }
            })).ToList();
            ts.ForEach(t => ControlledThread.Join(t));
            Assert.Equal(2, c.Value);

            bool mine = false;
            ControlledSpinLock.Enter(ref box.Gate, ref mine);
            bool other = true;
            var waiter = Start(() =>
            {
                bool got = false;
                ControlledSpinLock.TryEnter(ref box.Gate, 100, ref got);
                other = got;
            });
            ControlledThread.Join(waiter);
            Assert.False(other); // held for the whole 100 virtual ms
            ControlledSpinLock.Exit(ref box.Gate);
        });
    }

    [Fact]
    public void SpinLocksTakenInOppositeOrdersSpinForeverAndAreReported()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var a = new SpinLockBox();
            var b = new SpinLockBox();
            void Both(SpinLockBox first, SpinLockBox second)
            {
                bool x = false, y = false;
                ControlledSpinLock.Enter(ref first.Gate, ref x);
                ControlledSpinLock.Enter(ref second.Gate, ref y);
                ControlledSpinLock.Exit(ref second.Gate);
                ControlledSpinLock.Exit(ref first.Gate);
            }

            var t1 = Start(() => Both(a, b));
            var t2 = Start(() => Both(b, a));
            ControlledThread.Join(t1);
            ControlledThread.Join(t2);
        }, Opts("portfolio", 300) with { MaxSteps = 2_000 });

        Assert.Equal(BugKind.Hang, r.Bug?.Kind);
        Assert.Contains("exceeded 2000 steps", r.Bug!.Message);
    }

    [Fact]
    public void WaitAsyncTimesOutInVirtualTimeOrCompletesWithTheTask()
    {
        var r = ScheduleExplorer.Explore(async () =>
        {
            var never = new TaskCompletionSource<int>();
            await Assert.ThrowsAsync<TimeoutException>(() => ControlledTask<int>.WaitAsync(never.Task, TimeSpan.FromSeconds(30)));

            var cts = new CancellationTokenSource();
            var waiting = ControlledTask.WaitAsync(never.Task, TimeSpan.FromSeconds(30), cts.Token);
            ControlledCancellationTokenSource.Cancel(cts);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

            var soon = new TaskCompletionSource<int>();
            var setter = Start(() => soon.SetResult(7));
            Assert.Equal(7, await ControlledTask<int>.WaitAsync(soon.Task, TimeSpan.FromSeconds(30)));
            ControlledThread.Join(setter);
        }, Opts("portfolio", 50));

        AssertNoBug(r);
    }

    private sealed class CountingWorkItem(Counter counter) : IThreadPoolWorkItem
    {
        public void Execute() => RacyIncrement(counter);
    }

    [Fact]
    public void UnsafeThreadPoolWorkItemsAreControlledOperations()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var c = new Counter();
            ControlledThreadPool.UnsafeQueueUserWorkItem(new CountingWorkItem(c), preferLocal: false);
            ControlledThreadPool.UnsafeQueueUserWorkItem(static counter => RacyIncrement(counter), c, preferLocal: false);
            while (Volatile.Read(ref c.Value) < 2) ControlledThread.Yield();
        }, Opts("portfolio", 500));

        Assert.Equal(BugKind.Hang, r.Bug?.Kind); // the two work items race, so some schedule loses an increment and spins
    }

    [Fact]
    public void SignalAndWaitHandsTheTurnOverInOneStep()
    {
        NoBug(() =>
        {
            var ping = ControlledAutoResetEvent.New(false);
            var pong = ControlledAutoResetEvent.New(false);
            var log = new List<string>();
            var t = Start(() =>
            {
                for (int i = 0; i < 3; i++)
                {
                    ControlledWaitHandle.WaitOne(ping);
                    log.Add("pong");
                    ControlledEventWaitHandle.Set(pong);
                }
            });
            for (int i = 0; i < 3; i++)
            {
                log.Add("ping");
                Assert.True(ControlledWaitHandle.SignalAndWait(ping, pong, 1000, false));
            }

            ControlledThread.Join(t);
            Assert.Equal(["ping", "pong", "ping", "pong", "ping", "pong"], log);
        });
    }

    [Fact]
    public void SignalAndWaitReleasingAMutexItDoesNotOwnThrows()
    {
        NoBug(() =>
        {
            var mutex = ControlledMutex.New();
            var done = ControlledManualResetEvent.New(true);
            Assert.Throws<ApplicationException>(() => ControlledWaitHandle.SignalAndWait(mutex, done));
        }, schedules: 3);
    }

    [Fact]
    public void WaitingOnACancellationTokensHandleEndsWhenTheSourceIsCancelled()
    {
        NoBug(() =>
        {
            var work = ControlledAutoResetEvent.New(false);
            var cts = new CancellationTokenSource();
            var waiter = Start(() =>
            {
                int which = ControlledWaitHandle.WaitAny([work, cts.Token.WaitHandle]);
                Assert.Equal(1, which);
            });
            ControlledCancellationTokenSource.Cancel(cts);
            ControlledThread.Join(waiter);
        });
    }

    [Fact]
    public void TheKernelHandleOfASlimPrimitiveIsUncontrolledRatherThanAFalseHang()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var semaphore = ControlledSemaphoreSlim.New(0);
            ControlledWaitHandle.WaitOne(ControlledSemaphoreSlim.get_AvailableWaitHandle(semaphore));
        }, Opts("random", 3));

        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("SemaphoreSlim.AvailableWaitHandle", r.Bug!.Message);
    }

    [Fact]
    public void ThreadInterruptIsUncontrolledRatherThanAFalseDeadlock()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var gate = new object();
            var sleeper = ControlledThread.New(() =>
            {
                ControlledMonitor.Enter(gate);
                try { ControlledMonitor.Wait(gate); }
                catch (ThreadInterruptedException) { }
                finally { ControlledMonitor.Exit(gate); }
            });
            ControlledThread.Start(sleeper);
            ControlledThread.Interrupt(sleeper);
            ControlledThread.Join(sleeper);
        }, Opts("random", 3));

        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("Thread.Interrupt", r.Bug!.Message);
    }

    [Fact]
    public void PulseOnAMonitorTheEngineDidNotSeeTakenIsUncontrolledNotTheLearnersException()
    {
        var r = ScheduleExplorer.Explore(() =>
        {
            var gate = new object();
            Monitor.Enter(gate); // as code that was not rewritten would
            try { ControlledMonitor.PulseAll(gate); }
            finally { Monitor.Exit(gate); }
        }, Opts("random", 3));

        Assert.Equal(BugKind.Uncontrolled, r.Bug?.Kind);
        Assert.Contains("not rewritten", r.Bug!.Message);
    }

    [Fact]
    public void PulseWithoutTheLockStillThrowsLikeTheRealOne()
    {
        NoBug(() => Assert.Throws<SynchronizationLockException>(() => ControlledMonitor.Pulse(new object())), schedules: 3);
    }
}
