using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Reference: min(maxParallelism, n) workers pull the next index from a shared counter, so at
// most maxParallelism bodies run, and each result is written at its own index (input order).
// The first failure is recorded (first come, first kept) and cancels a token linked to the
// caller's, so the other bodies stop and no new item starts. MapAsync awaits every worker, hence
// every body, before it completes, then rethrows the recorded failure as it was.
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

        Volatile.Read(ref firstFailure)?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
