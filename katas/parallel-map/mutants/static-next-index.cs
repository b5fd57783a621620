using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the index of the next item is a static field of the static class, reset at the start
// of each call. Two calls running at the same time share it: each resets it under the other's
// workers and takes indexes meant for the other list, so items are skipped or mapped twice and a
// result slot stays empty.
public static class ParallelMap
{
    private static int s_next; // the next index to take, shared by every call

    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        if (items.Count == 0) return results;
        Volatile.Write(ref s_next, -1); // start this call at the first item

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? firstFailure = null;

        async Task Worker()
        {
            await Task.Yield(); // run the workers concurrently, off the caller's stack
            while (!stop.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref s_next);
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
