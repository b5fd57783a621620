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

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

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
        var words = new[] { "a", "bb", "ccc", "dddd", "eeeee" };
        var lengths = await ParallelMap.MapAsync(words, 2, (w, ct) => Task.FromResult(w.Length));
        Check.Equal("1,2,3,4,5", string.Join(",", lengths), FindingKind.Invariant, "MapAsync must return the body's result for each item, in input order");
        var one = await ParallelMap.MapAsync(words, 1, async (w, ct) => { await Task.Yield(); return w + "!"; });
        Check.Equal("a!,bb!,ccc!,dddd!,eeeee!", string.Join(",", one), FindingKind.Invariant, "MapAsync with maxParallelism 1 must return every result in input order");
    }

    [KataTest(Description = "Bodies finish in a scrambled order: the results still come back in input order, and never more than maxParallelism bodies run at once.")]
    public static async Task ResultsInInputOrderWithinTheLimit()
    {
        const int limit = 3;
        int count = Scale(60, 4);
        var items = new List<int>();
        for (int i = 0; i < count; i++) items.Add(i);
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
            Check.Equal(i * 10, results[i], FindingKind.Invariant, $"Result {i} must be the body's result for item {i} (results in input order)");
    }

    [KataTest(Description = "Many short asynchronous bodies through a limit of 2: never more than 2 run at the same time.")]
    public static async Task NeverMoreThanMaxParallelism()
    {
        const int limit = 2;
        // Explored: 6 items, so that after two bodies complete together (both slots freed at once)
        // at least 3 items are left to launch: a refill that checks "running < limit" and only then
        // counts the body it starts lets both completions launch, limit + 1 bodies in all.
        var items = new int[Scale(200, 6)];
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
        const int limit = 3;
        var items = new int[Scale(12, 3)];
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
        var items = new int[Scale(10, 3)];
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
        running.ThrowIfProblem();
    }
}
