using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the first failure is recorded and no new item starts, but the bodies already running
// are never told to stop: the caller's own token is passed to them, and nothing cancels it. A
// body waiting for cancellation waits forever, and so does MapAsync.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        int next = -1;
        ExceptionDispatchInfo? firstFailure = null;

        async Task Worker()
        {
            await Task.Yield();
            while (Volatile.Read(ref firstFailure) is null && !cancellationToken.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= items.Count) return;
                try
                {
                    results[i] = await body(items[i], cancellationToken);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstFailure, ExceptionDispatchInfo.Capture(e), null);
                    return;
                }
            }
        }

        var workers = new Task[Math.Min(maxParallelism, items.Count)];
        for (int w = 0; w < workers.Length; w++) workers[w] = Worker();
        await Task.WhenAll(workers);

        Volatile.Read(ref firstFailure)?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
