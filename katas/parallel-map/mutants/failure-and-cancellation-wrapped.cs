using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Mistake: when a body has failed and the caller cancels before the other bodies have stopped,
// MapAsync reports both, wrapped in an AggregateException, instead of the first failure itself
// or an OperationCanceledException: a caller catching either one misses it.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        if (items.Count == 0) return results;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int next = -1;
        ExceptionDispatchInfo? firstFailure = null;

        async Task Worker()
        {
            await Task.Yield(); // run the workers concurrently, off the caller's stack
            while (!stop.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= items.Count) return;
                try
                {
                    results[i] = await body(items[i], stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    bool fallout = e is OperationCanceledException && stop.IsCancellationRequested;
                    if (!fallout && Interlocked.CompareExchange(ref firstFailure, ExceptionDispatchInfo.Capture(e), null) is null)
                    {
                        try { stop.Cancel(); } catch (AggregateException) { }
                    }
                    return;
                }
            }
        }

        var workers = new Task[Math.Min(maxParallelism, items.Count)];
        for (int w = 0; w < workers.Length; w++) workers[w] = Worker();
        await Task.WhenAll(workers).ConfigureAwait(false);

        var failure = Volatile.Read(ref firstFailure);
        if (failure is not null && cancellationToken.IsCancellationRequested)
        {
            // Both went wrong: report both.
            throw new AggregateException(failure.SourceException, new OperationCanceledException(cancellationToken));
        }

        failure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
