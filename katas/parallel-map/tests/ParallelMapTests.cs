using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using KataServer.Testing;

namespace KataTests;

public static class ParallelMapTests
{
    // Real threads need more items per iteration for a race to show; the schedule explorer needs
    // few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    /// <summary>Thrown by the test's bodies to simulate a failing item.</summary>
    private sealed class ItemFailedException(string message) : Exception(message);

    /// <summary>Completes only when <paramref name="token"/> is cancelled (as a cancelled task).</summary>
    private static async Task UntilCancelled(CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => cancelled.TrySetCanceled(token)))
        {
            await cancelled.Task;
        }
    }

    /// <summary>Counts the bodies running now and notes when there are too many.</summary>
    private sealed class Running(int limit)
    {
        private int now;
        private string? problem;

        public int Now => Volatile.Read(ref now);

        public void Enter()
        {
            int count = Interlocked.Increment(ref now);
            if (count > limit) Interlocked.CompareExchange(ref problem, $"{count} bodies were running at the same time, but maxParallelism is {limit}", null);
        }

        public void Exit() => Interlocked.Decrement(ref now);

        public void ThrowIfProblem()
        {
            string? seen = Volatile.Read(ref problem);
            if (seen is not null) Check.Fail(FindingKind.Invariant, seen);
        }
    }

    [KataTest(Description = "The basics: an empty list gives an empty array, and each result is the body's result for the item at the same index.")]
    public static async Task Basics()
    {
        var none = await ParallelMap.MapAsync(new int[0], 3, (x, ct) => Task.FromResult(x));
        Check.That(none is not null && none.Length == 0, FindingKind.Assertion, "MapAsync of an empty list must return an empty array");
        // The words change from grade to grade: the code cannot recognise the test by them.
        var words = new string[TestData.Int(3, 8)];
        for (int i = 0; i < words.Length; i++) words[i] = new string((char)('a' + i), TestData.Int(1, 6));
        var lengths = await ParallelMap.MapAsync(words, TestData.Int(2, 4), (w, ct) => Task.FromResult(w.Length));
        Check.Equal(string.Join(",", Array.ConvertAll(words, w => w.Length)), string.Join(",", lengths), FindingKind.Invariant,
            $"MapAsync of [{string.Join(", ", words)}] with a body returning each word's length must return the lengths in input order");
        var one = await ParallelMap.MapAsync(words, 1, async (w, ct) => { await Task.Yield(); return w + "!"; });
        Check.Equal(string.Join(",", Array.ConvertAll(words, w => w + "!")), string.Join(",", one), FindingKind.Invariant, "MapAsync with maxParallelism 1 must return every result in input order");
    }

    [KataTest(Description = "Bodies finish in a scrambled order: the results still come back in input order, and never more than maxParallelism bodies run at once.")]
    public static async Task ResultsInInputOrderWithinTheLimit()
    {
        int limit = OnRealThreads ? TestData.Int(2, 5) : 3;
        int count = OnRealThreads ? TestData.Int(40, 80) : 4;
        int first = TestData.Int(0, 1_000);
        var items = new List<int>();
        for (int i = 0; i < count; i++) items.Add(first + i);
        var running = new Running(limit);
        var results = await ParallelMap.MapAsync(items, limit, async (x, ct) =>
        {
            running.Enter();
            try
            {
                for (int k = 0; k < (x * 7) % 5; k++)
                {
                    await Task.Yield(); // later items often finish first
                    if (OnRealThreads) Thread.SpinWait(30);
                }
                return x * 10;
            }
            finally
            {
                running.Exit();
            }
        });
        running.ThrowIfProblem();
        Check.Equal(count, results.Length, FindingKind.Invariant, "MapAsync must return one result per item");
        for (int i = 0; i < count; i++)
            Check.Equal((first + i) * 10, results[i], FindingKind.Invariant, $"Result {i} must be the body's result for item {i}, {first + i} (results in input order)");
    }

    [KataTest(Description = "Many short asynchronous bodies through a limit of 2: never more than 2 run at the same time.")]
    public static async Task NeverMoreThanMaxParallelism()
    {
        const int limit = 2;
        // Explored: 6 items, so that after two bodies complete together (both slots freed at once)
        // at least 3 items are left to launch: a refill that checks "running < limit" and only then
        // counts the body it starts lets both completions launch, limit + 1 bodies in all.
        var items = new int[OnRealThreads ? TestData.Int(150, 250) : 6];
        var running = new Running(limit);
        await ParallelMap.MapAsync(items, limit, async (x, ct) =>
        {
            running.Enter();
            await Task.Yield();
            running.Exit();
            return x;
        });
        running.ThrowIfProblem();
    }

    [KataTest(Description = "The first body to start fails while the others wait for cancellation: the failure cancels them, it is the exception thrown, and no body is still running when MapAsync completes.")]
    public static async Task FirstFailureCancelsTheRest()
    {
        int limit = OnRealThreads ? TestData.Int(2, 4) : 3;
        var items = new int[OnRealThreads ? TestData.Int(8, 16) : 3];
        for (int i = 0; i < items.Length; i++) items[i] = i;
        var running = new Running(limit);
        var failure = new ItemFailedException("the first body to start failed (simulated by the test)");
        int started = 0;
        Exception? thrown = null;
        try
        {
            await ParallelMap.MapAsync(items, limit, async (x, ct) =>
            {
                running.Enter();
                try
                {
                    bool first = Interlocked.Increment(ref started) == 1;
                    await Task.Yield();
                    if (first) throw failure;
                    await UntilCancelled(ct); // only a cancellation ends this body
                    return x;
                }
                finally
                {
                    running.Exit();
                }
            });
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Check.That(running.Now == 0, FindingKind.Invariant, $"MapAsync completed while {running.Now} bodies were still running: it must wait for every body it started");
        Check.That(thrown is not null, FindingKind.Assertion, "An item failed, so MapAsync must throw");
        Check.That(ReferenceEquals(thrown, failure), FindingKind.Invariant,
            $"The failure of the first body must be the exception MapAsync throws, as it was thrown (got {thrown?.GetType().Name}: {thrown?.Message})");
        running.ThrowIfProblem();
    }

    /// <summary>A body that runs until cancelled, counted in <paramref name="running"/>.</summary>
    private static async Task<int> RunsUntilCancelled(int x, CancellationToken ct, Running running)
    {
        running.Enter();
        try
        {
            await UntilCancelled(ct);
            return x;
        }
        finally
        {
            running.Exit();
        }
    }

    [KataTest(Description = "A body fails by throwing before it returns its task (a plain, non-async lambda) while another body runs: that is a failure too; it cancels the rest, it is the exception thrown, and no body is still running when MapAsync completes.")]
    public static async Task SynchronousThrowIsAFailure()
    {
        var items = new[] { 0, 1, 2 };
        var running = new Running(2);
        var failure = new ItemFailedException("item 1 threw before returning its task (simulated by the test)");
        Exception? thrown = null;
        try
        {
            // Not async: for item 1, body(...) itself throws instead of returning a faulted task.
            await ParallelMap.MapAsync(items, 2, (x, ct) => x == 1 ? throw failure : RunsUntilCancelled(x, ct, running));
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Check.That(running.Now == 0, FindingKind.Invariant,
            $"MapAsync completed while {running.Now} bodies were still running: a body that throws before returning its task has failed, so MapAsync must cancel the others and wait for every body it started");
        Check.That(ReferenceEquals(thrown, failure), FindingKind.Invariant,
            $"Item 1's body threw (before returning a task) and was the first failure; that exception must be the one MapAsync throws, as it was thrown (got {thrown?.GetType().Name}: {thrown?.Message})");
        running.ThrowIfProblem();
    }

    [KataTest(Description = "A later item fails first, and earlier items fail too while they stop: MapAsync throws the failure that happened first, not the one with the lowest index.")]
    public static async Task FirstFailureInTimeIsThrown()
    {
        var first = new ItemFailedException("item 3 failed first (simulated by the test)");
        var items = new[] { 0, 1, 2, 3 };
        var running = new Running(4);
        Exception? thrown = null;
        try
        {
            await ParallelMap.MapAsync(items, 4, async (x, ct) =>
            {
                running.Enter();
                try
                {
                    await Task.Yield();
                    if (x == 3) throw first;
                    try
                    {
                        await UntilCancelled(ct);
                    }
                    catch (OperationCanceledException)
                    {
                        // This item fails while it is being stopped: a later failure than item 3's.
                        throw new ItemFailedException($"item {x} failed while it was being cancelled (simulated by the test)");
                    }
                    return x;
                }
                finally
                {
                    running.Exit();
                }
            });
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Check.That(running.Now == 0, FindingKind.Invariant, $"MapAsync completed while {running.Now} bodies were still running: it must wait for every body it started");
        Check.That(ReferenceEquals(thrown, first), FindingKind.Invariant,
            $"Item 3 failed first and its failure cancelled the others; that first failure must be the exception MapAsync throws (got {thrown?.GetType().Name}: {thrown?.Message})");
    }

    [KataTest(Description = "The caller cancels while bodies run: MapAsync stops them, fails, and no body is still running when it completes.")]
    public static async Task CallerCancellation()
    {
        var items = new int[OnRealThreads ? TestData.Int(6, 14) : 3];
        var running = new Running(3);
        using var cts = new CancellationTokenSource();
        int started = 0;
        Exception? thrown = null;
        try
        {
            await ParallelMap.MapAsync(items, 3, async (x, ct) =>
            {
                running.Enter();
                try
                {
                    if (Interlocked.Increment(ref started) == 2) cts.Cancel(); // the caller gives up
                    await UntilCancelled(ct);
                    return x;
                }
                finally
                {
                    running.Exit();
                }
            }, cts.Token);
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Check.That(running.Now == 0, FindingKind.Invariant, $"MapAsync completed while {running.Now} bodies were still running: it must wait for every body it started");
        Check.That(thrown is not null, FindingKind.Assertion, "The caller's token was cancelled and no body could finish: MapAsync must fail");
        Check.That(thrown is OperationCanceledException, FindingKind.Invariant,
            $"The caller cancelled before any body failed (each body ended with an OperationCanceledException): MapAsync must throw an OperationCanceledException, but it threw {thrown?.GetType().Name}: {thrown?.Message}");
        running.ThrowIfProblem();
    }

    [KataTest(Description = "A body fails, and while the other bodies are still stopping the caller cancels too: MapAsync throws that failure or an OperationCanceledException, nothing else, and no body is still running when it completes.")]
    public static async Task FailureThenCallerCancels()
    {
        int limit = OnRealThreads ? TestData.Int(2, 4) : 2;
        var items = new int[OnRealThreads ? TestData.Int(limit, 12) : 2];
        var running = new Running(limit);
        var failure = new ItemFailedException("the first body to start failed (simulated by the test)");
        using var cts = new CancellationTokenSource();
        // Set by a body once its token is cancelled: the caller has not cancelled yet, so MapAsync has seen the failure.
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        var map = ParallelMap.MapAsync(items, limit, async (x, ct) =>
        {
            running.Enter();
            try
            {
                bool first = Interlocked.Increment(ref started) == 1;
                await Task.Yield();
                if (first) throw failure;
                try
                {
                    await UntilCancelled(ct);
                }
                catch (OperationCanceledException)
                {
                    stopping.TrySetResult();
                    await callerCancelled.Task; // still stopping when the caller cancels
                    throw;
                }

                return x;
            }
            finally
            {
                running.Exit();
            }
        }, cts.Token);

        await Task.WhenAny(stopping.Task, map); // no body may have been stopping: the failure came before any other started
        bool cancelledWhileStopping = stopping.Task.IsCompleted;
        cts.Cancel();
        callerCancelled.TrySetResult();
        Exception? thrown = null;
        try
        {
            await map;
        }
        catch (Exception e)
        {
            thrown = e;
        }

        Check.That(running.Now == 0, FindingKind.Invariant, $"MapAsync completed while {running.Now} bodies were still running: it must wait for every body it started");
        Check.That(thrown is not null, FindingKind.Assertion, "A body failed and the caller cancelled: MapAsync must fail, not return results");
        Check.That(ReferenceEquals(thrown, failure) || (cancelledWhileStopping && thrown is OperationCanceledException), FindingKind.Invariant,
            (cancelledWhileStopping
                ? "A body failed, and the caller cancelled while the other bodies were still stopping: MapAsync must throw that first failure, as it was thrown, or an OperationCanceledException"
                : "A body failed and MapAsync completed before the caller cancelled: it must throw that failure, as it was thrown") +
            $" (got {thrown?.GetType().Name}: {thrown?.Message})");
        running.ThrowIfProblem();
    }

    [KataTest(Description = "Two callers map their own lists at the same time, several times each: every call gets its own results, in its own input order, within its own limit.")]
    public static async Task ConcurrentCallsAreIndependent()
    {
        // Each caller makes at least `calls` calls and, on real threads, goes on (up to four times as many) until the
        // other has made its `calls` too, so that the two overlap even on a busy machine.
        int calls = OnRealThreads ? TestData.Int(20, 40) : 2;
        int count = OnRealThreads ? TestData.Int(8, 24) : 2;
        int salt = TestData.Int(1, 1_000);
        var made = new int[2];
        await Concurrent.RunAsync(2, async caller =>
        {
            int limit = caller + 1; // 1 and 2: each call keeps to its own limit
            var running = new Running(limit);
            for (int c = 0; c < (OnRealThreads ? 4 * calls : calls); c++)
            {
                if (c >= calls && Volatile.Read(ref made[1 - caller]) >= calls) break;
                var items = new int[count];
                for (int i = 0; i < count; i++) items[i] = (caller + 1) * 1_000_000 + c * 1_000 + i;
                var results = await ParallelMap.MapAsync(items, limit, async (x, ct) =>
                {
                    running.Enter();
                    try
                    {
                        await Task.Yield();
                        return x + salt;
                    }
                    finally
                    {
                        running.Exit();
                    }
                });
                Volatile.Write(ref made[caller], c + 1);
                Concurrent.OperationDone(); // lets the runner see whether the callers really overlapped
                Check.Equal(count, results.Length, FindingKind.Invariant, $"Caller {caller + 1} mapped {count} items while another caller mapped its own: it must get {count} results");
                for (int i = 0; i < count; i++)
                    Check.Equal(items[i] + salt, results[i], FindingKind.Invariant,
                        $"Caller {caller + 1} mapped its own {count} items while another caller mapped its own list; result {i} must be the body's result for its item {items[i]}: calls must not share state");
            }

            running.ThrowIfProblem();
        });
    }
}
