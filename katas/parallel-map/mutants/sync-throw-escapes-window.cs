// Kata: parallel-map
// Bug: the sliding window calls body(...) directly in the scheduling loop, outside any try: a body
//      that fails by throwing before it returns its task (an ordinary non-async lambda that
//      validates its item, say) makes the exception fly straight out of MapAsync, without
//      cancelling the bodies already running and without waiting for them.
// Interleaving: items [a, b, c], maxParallelism 2. body(a) starts and awaits (running). body(b)
//      throws synchronously -> MapAsync's task faults at once with that exception while body(a)
//      is still running and its token is never cancelled ("the first failure cancels the rest",
//      "no body still running when the task completes" both broken).
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Dictionary<Task<TOut>, int>();
        Exception? firstFailure = null;
        int next = 0;

        while (true)
        {
            // Fill the window.
            while (firstFailure is null && !stop.IsCancellationRequested && next < items.Count && running.Count < maxParallelism)
            {
                Task<TOut> task = body(items[next], stop.Token);
                running.Add(task, next++);
            }
            if (running.Count == 0) break;

            // Wait for any body to end, then record its result or its failure.
            Task<TOut> done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            int index = running[done];
            running.Remove(done);
            try
            {
                results[index] = await done.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                bool fallout = stop.IsCancellationRequested; // cancelled by us or by the caller: not a new failure
                if (firstFailure is null && !fallout)
                {
                    firstFailure = e;
                    try { stop.Cancel(); } catch (AggregateException) { }
                }
            }
        }

        if (firstFailure is not null) ExceptionDispatchInfo.Throw(firstFailure);
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
