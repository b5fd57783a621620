using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the limit, the cancellation and the waiting are right, but each result is enqueued
// into a ConcurrentQueue when its body completes, so the array comes back in completion order,
// not in input order.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new ConcurrentQueue<TOut>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(maxParallelism, maxParallelism);
        ExceptionDispatchInfo? firstFailure = null;
        var running = new List<Task>();

        async Task RunOne(TIn item)
        {
            try
            {
                results.Enqueue(await body(item, stop.Token));
            }
            catch (Exception e)
            {
                if (!(e is OperationCanceledException && stop.IsCancellationRequested)
                    && Interlocked.CompareExchange(ref firstFailure, ExceptionDispatchInfo.Capture(e), null) is null)
                {
                    stop.Cancel();
                }
            }
            finally
            {
                slots.Release();
            }
        }

        foreach (var item in items)
        {
            try { await slots.WaitAsync(stop.Token); }
            catch (OperationCanceledException) { break; }
            running.Add(RunOne(item));
        }
        await Task.WhenAll(running);

        Volatile.Read(ref firstFailure)?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results.ToArray();
    }
}
