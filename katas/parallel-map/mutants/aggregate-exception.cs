using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

// Mistake: limit, order, cancellation and waiting are right, but on failure MapAsync throws the
// AggregateException of all the tasks "so that the caller sees everything". The caller gets a
// wrapper full of cancellations instead of the first failure itself.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(maxParallelism, maxParallelism);

        async Task RunOne(int i)
        {
            await slots.WaitAsync(stop.Token);
            try
            {
                results[i] = await body(items[i], stop.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                slots.Release();
            }
        }

        var tasks = new Task[items.Count];
        for (int i = 0; i < items.Count; i++) tasks[i] = RunOne(i);
        var all = Task.WhenAll(tasks);
        try
        {
            await all;
        }
        catch (Exception) when (all.Exception is not null)
        {
            throw all.Exception;
        }
        return results;
    }
}
