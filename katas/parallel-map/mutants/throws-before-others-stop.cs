using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

// Mistake: as soon as one body fails, MapAsync cancels the others and throws at once, without
// waiting for them. The caller carries on while bodies are still running (and may still be
// writing), which is exactly what structured concurrency forbids.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var slots = new SemaphoreSlim(maxParallelism, maxParallelism);

        async Task RunOne(int i)
        {
            await slots.WaitAsync(stop.Token);
            try
            {
                results[i] = await body(items[i], stop.Token);
            }
            finally
            {
                slots.Release();
            }
        }

        var pending = Enumerable.Range(0, items.Count).Select(RunOne).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            if (done.IsFaulted || done.IsCanceled)
            {
                stop.Cancel();
                await done; // rethrows, leaving the others behind
            }
        }
        return results;
    }
}
