using System;
using System.Threading;
using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class ConcurrencyLimiterTests
{
    // Real threads need many calls per iteration for a race to show; the schedule explorer needs
    // few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    /// <summary>Thrown by the test's bodies to simulate a failing piece of work.</summary>
    private sealed class WorkFailedException(string message) : Exception(message);

    /// <summary>Completes only when <paramref name="token"/> is cancelled (as a cancelled task).</summary>
    private static async Task UntilCancelled(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => cancelled.TrySetCanceled(token)))
        {
            await cancelled.Task;
        }
    }

    /// <summary>
    /// Watches the bodies: how many run at once (at most the limit), and what the limiter's
    /// InFlight says meanwhile. Problems are noted, not thrown, so that a body's failure cannot
    /// be mistaken for a failure of the work.
    /// </summary>
    private sealed class Bodies(ConcurrencyLimiter limiter, int limit)
    {
        private int running;
        private string? problem;

        public async Task<int> Run(int value, int yields)
        {
            int now = Interlocked.Increment(ref running);
            if (now > limit) Note($"{now} bodies were running at the same time, but the limit is {limit}");
            int inFlight = limiter.InFlight;
            if (inFlight > limit) Note($"InFlight was {inFlight} while a body ran, but the limit is {limit}");
            for (int i = 0; i < yields; i++)
            {
                await Task.Yield();
                if (OnRealThreads) Thread.SpinWait(50);
            }
            Interlocked.Decrement(ref running);
            return value;
        }

        public void Note(string message) => Interlocked.CompareExchange(ref problem, message, null);

        public void ThrowIfProblem()
        {
            string? seen = Volatile.Read(ref problem);
            if (seen is not null) Check.Fail(FindingKind.Invariant, seen);
        }
    }

    private static async Task CallersHammer(ConcurrencyLimiter limiter, Bodies bodies, int callers, int callsEach)
    {
        await Concurrent.RunAsync(callers, async c =>
        {
            for (int i = 0; i < callsEach; i++)
            {
                int value = c * 10_000 + i;
                int result = await limiter.RunAsync(ct => bodies.Run(value, 2));
                Check.Equal(value, result, FindingKind.Assertion, "RunAsync must return the result of its body");
                Concurrent.OperationDone(); // lets the runner see whether the callers really overlapped
            }
        });
    }

    [KataTest(Description = "One caller at a time: RunAsync runs the body, returns its result, and InFlight is 0 when nothing runs.")]
    public static async Task SequentialRules()
    {
        // The limit and the results change from grade to grade: the code cannot recognise the test by them.
        int limit = TestData.Int(1, 9);
        int expected = TestData.Int(-1_000, 1_000);
        var limiter = new ConcurrencyLimiter(limit);
        Check.Equal(0, limiter.InFlight, FindingKind.Assertion, $"A new limiter (limit {limit}) has nothing in flight");
        int seenInside = -1;
        int result = await limiter.RunAsync(ct =>
        {
            seenInside = limiter.InFlight;
            return Task.FromResult(expected);
        });
        Check.Equal(expected, result, FindingKind.Assertion, "RunAsync must return the result of its body");
        Check.Equal(1, seenInside, FindingKind.Assertion, "While its only body runs, the limiter's InFlight must be 1");
        string text = await limiter.RunAsync(async ct =>
        {
            await Task.Yield();
            return "done";
        });
        Check.Equal("done", text, FindingKind.Assertion, "RunAsync must return the result of an asynchronous body");
        Check.Equal(0, limiter.InFlight, FindingKind.Assertion, "After every body has completed, InFlight must be 0");
    }

    [KataTest(Description = "A caller whose token is already cancelled when it calls RunAsync gets a cancelled task even though a slot is free: its body never runs and no slot is taken.")]
    public static async Task AnAlreadyCancelledCallerNeverRunsItsBody()
    {
        var limiter = new ConcurrencyLimiter(1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        bool ran = false;
        bool refused = false;
        try
        {
            await limiter.RunAsync(ct =>
            {
                ran = true;
                return Task.FromResult(1);
            }, cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            refused = true;
        }
        Check.That(!ran, FindingKind.Assertion, "The caller's token was cancelled before it called RunAsync, yet its body ran: a cancelled caller never runs its body, even when a slot is free");
        Check.That(refused, FindingKind.Assertion, "The caller's token was cancelled before it called RunAsync: RunAsync must end cancelled (an OperationCanceledException), not succeed");
        Check.Equal(0, limiter.InFlight, FindingKind.Assertion, "After a cancelled call, InFlight must be 0");
        int next = await limiter.RunAsync(ct => Task.FromResult(7));
        Check.Equal(7, next, FindingKind.Assertion, "The cancelled call must not keep the only slot: the next caller must get in");
    }

    [KataTest(Description = "Eight callers keep calling a limiter of 2 to 5: never more bodies run at the same time than the limit.")]
    public static async Task NeverMoreThanTheLimit()
    {
        // Explored with a limit of 2 and one caller more (every interleaving of a small case); on real threads the
        // limit changes from grade to grade.
        int limit = Scale(TestData.Int(2, 5), 2);
        var limiter = new ConcurrencyLimiter(limit);
        var bodies = new Bodies(limiter, limit);
        await CallersHammer(limiter, bodies, callers: Scale(8, 3), callsEach: Scale(TestData.Int(30, 50), 1));
        bodies.ThrowIfProblem();
        Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After every body has completed, InFlight must be 0");
    }

    [KataTest(Description = "Bodies that throw give their slot back: afterwards the limiter still admits bodies, and still no more than its limit.")]
    public static async Task FailuresGiveTheSlotBack()
    {
        int limit = Scale(TestData.Int(2, 4), 2);
        var limiter = new ConcurrencyLimiter(limit);
        for (int i = 0; i < 3; i++)
        {
            bool failed = false;
            try
            {
                await limiter.RunAsync<int>(async ct =>
                {
                    await Task.Yield();
                    throw new WorkFailedException("the body failed (simulated by the test)");
                });
            }
            catch (Exception)
            {
                failed = true;
            }
            Check.That(failed, FindingKind.Assertion, "When the body throws, the task returned by RunAsync must fail too");
        }
        Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After three failed bodies, InFlight must be 0");

        // If a slot leaked, these calls wait forever; if extra slots appeared, more than the limit run at once.
        var bodies = new Bodies(limiter, limit);
        await CallersHammer(limiter, bodies, callers: Scale(limit + 3, 3), callsEach: Scale(TestData.Int(20, 40), 1));
        bodies.ThrowIfProblem();
    }

    [KataTest(Description = "A body cancelled through its token gives its slot back: the next caller gets in.")]
    public static async Task CancellationGivesTheSlotBack()
    {
        var limiter = new ConcurrencyLimiter(1);
        for (int i = 0; i < 2; i++)
        {
            using var cts = new CancellationTokenSource();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = limiter.RunAsync<int>(async ct =>
            {
                started.TrySetResult();
                await UntilCancelled(ct);
                return 0;
            }, cts.Token);
            await started.Task;
            cts.Cancel();
            bool cancelled = false;
            try { await running; }
            catch (Exception) { cancelled = true; }
            Check.That(cancelled, FindingKind.Assertion, "A body cancelled through its token ended by throwing, so the task returned by RunAsync must fail");
        }

        // If the cancelled bodies kept their slot, this call waits forever.
        int result = await limiter.RunAsync(ct => Task.FromResult(7));
        Check.Equal(7, result, FindingKind.Assertion, "RunAsync must return the result of its body");
        Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After every body has completed, InFlight must be 0");
    }

    [KataTest(Description = "A caller cancelled while it waits for a slot never runs its body, and does not take a slot with it.")]
    public static async Task CancelledWhileWaitingNeverRuns()
    {
        var limiter = new ConcurrencyLimiter(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = limiter.RunAsync(async ct =>
        {
            firstStarted.TrySetResult();
            await gate.Task;
            return 1;
        });
        await firstStarted.Task; // the only slot is taken

        using var cts = new CancellationTokenSource();
        int secondRan = 0;
        var second = limiter.RunAsync(ct =>
        {
            Interlocked.Exchange(ref secondRan, 1);
            return Task.FromResult(2);
        }, cts.Token);
        cts.Cancel();   // cancelled while waiting for the slot...
        gate.SetResult(); // ...which frees up only now
        Check.Equal(1, await first, FindingKind.Assertion, "RunAsync must return the result of its body");
        bool refused = false;
        try { await second; }
        catch (Exception) { refused = true; }
        Check.That(Volatile.Read(ref secondRan) == 0, FindingKind.Invariant,
            "A caller was cancelled while it waited for a slot, yet its body ran once a slot came free");
        Check.That(refused, FindingKind.Assertion, "A caller cancelled while waiting must get a failed (cancelled) task");

        // The cancelled caller must not have kept a slot.
        int third = await limiter.RunAsync(ct => Task.FromResult(3));
        Check.Equal(3, third, FindingKind.Assertion, "RunAsync must return the result of its body");
        Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After every body has completed, InFlight must be 0");

        // Nor may it have given back a slot it never took: the limit is still 1.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, overlapped = 0;
        var holder = limiter.RunAsync(async ct =>
        {
            Interlocked.Increment(ref running);
            holding.TrySetResult();
            await release.Task;
            Interlocked.Decrement(ref running);
            return 4;
        });
        await holding.Task;
        var next = limiter.RunAsync(ct =>
        {
            if (Volatile.Read(ref running) != 0) Interlocked.Exchange(ref overlapped, 1);
            return Task.FromResult(5);
        });
        release.SetResult();
        await holder;
        await next;
        Check.That(Volatile.Read(ref overlapped) == 0, FindingKind.Invariant,
            "After a caller was cancelled while it waited, two bodies ran at once on a limiter of 1: the cancelled caller gave back a slot it never took");
    }

    [KataTest(Description = "A queued caller is cancelled just as the running body finishes and frees the slot: whichever wins, the slot is not lost (the next caller gets in) and not doubled (the limit is still 1).")]
    public static async Task CancelRacesSlotHandOff()
    {
        var limiter = new ConcurrencyLimiter(1);
        for (int round = 0; round < Scale(20, 1); round++)
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = limiter.RunAsync(async ct =>
            {
                firstStarted.TrySetResult();
                await gate.Task;
                return 1;
            });
            await firstStarted.Task; // the only slot is taken

            using var cts = new CancellationTokenSource();
            var second = limiter.RunAsync(ct => Task.FromResult(2), cts.Token); // queued behind it

            // The cancellation and the end of the running body race. Either outcome is correct:
            // the caller is cancelled before it gets the slot (and its body never runs), or it
            // gets the slot first (and runs). What must not happen is that the slot is lost.
            await Concurrent.RunAsync(
                () => { cts.Cancel(); return Task.CompletedTask; },
                () => { gate.SetResult(); return Task.CompletedTask; });
            Check.Equal(1, await first, FindingKind.Assertion, "RunAsync must return the result of its body");
            try
            {
                Check.Equal(2, await second, FindingKind.Assertion, "RunAsync must return the result of its body");
            }
            catch (OperationCanceledException)
            {
                // Cancelled before it got the slot: fine.
            }

            // If the slot was lost between the two, this call waits forever.
            int third = await limiter.RunAsync(ct => Task.FromResult(3));
            Check.Equal(3, third, FindingKind.Assertion, "RunAsync must return the result of its body");
            Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After every body has completed, InFlight must be 0");
        }

        // Nor may the race have added a slot: the limit is still 1.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int running = 0, overlapped = 0;
        var holder = limiter.RunAsync(async ct =>
        {
            Interlocked.Increment(ref running);
            holding.TrySetResult();
            await release.Task;
            Interlocked.Decrement(ref running);
            return 4;
        });
        await holding.Task;
        var next = limiter.RunAsync(ct =>
        {
            if (Volatile.Read(ref running) != 0) Interlocked.Exchange(ref overlapped, 1);
            return Task.FromResult(5);
        });
        release.SetResult();
        await holder;
        await next;
        Check.That(Volatile.Read(ref overlapped) == 0, FindingKind.Invariant,
            "After a queued caller's cancellation raced the end of the running body, two bodies ran at once on a limiter of 1: a slot was given back twice");
    }

    [KataTest(Description = "Callers run a mix of bodies that succeed, throw, or are cancelled: never more at once than the limit (2 to 5), and every slot comes back.")]
    public static async Task MixedOutcomesUnderLoad()
    {
        int limit = Scale(TestData.Int(2, 5), 3);
        var limiter = new ConcurrencyLimiter(limit);
        var bodies = new Bodies(limiter, limit);
        int callsEach = Scale(TestData.Int(30, 50), 2);
        await Concurrent.RunAsync(Scale(6, 2), async c =>
        {
            for (int i = 0; i < callsEach; i++)
            {
                int kind = (c + i) % 4;
                using var cts = new CancellationTokenSource();
                if (kind == 3) cts.Cancel(); // cancelled before it even asks
                try
                {
                    await limiter.RunAsync(async ct =>
                    {
                        int value = await bodies.Run(i, 1);
                        if (kind == 1) throw new WorkFailedException("the body failed (simulated by the test)");
                        if (kind == 2)
                        {
                            cts.Cancel();
                            ct.ThrowIfCancellationRequested();
                        }
                        return value;
                    }, cts.Token);
                    // (A call cancelled before it asked may either run or be refused.)
                    if (kind == 1 || kind == 2) bodies.Note($"A call whose body {(kind == 1 ? "threw" : "was cancelled")} completed successfully");
                }
                catch (Exception) when (kind != 0)
                {
                }
                Concurrent.OperationDone();
            }
        });
        bodies.ThrowIfProblem();
        Check.Equal(0, limiter.InFlight, FindingKind.Invariant, "After every call has completed, InFlight must be 0");
        // Every slot must be back: as many bodies as the limit must be able to run side by side.
        var together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int arrived = 0;
        var all = new Task<int>[limit];
        for (int k = 0; k < limit; k++)
        {
            all[k] = limiter.RunAsync(async ct =>
            {
                if (Interlocked.Increment(ref arrived) == limit) together.TrySetResult();
                await together.Task;
                return 1;
            });
        }
        await Task.WhenAll(all);
    }
}
