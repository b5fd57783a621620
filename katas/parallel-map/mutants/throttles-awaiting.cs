using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the bodies are all started up front (calling an async method starts it), and the
// limit is applied only to how many of them are awaited at a time. Every body runs at once.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? firstFailure = null;

        async Task<TOut> Guard(Task<TOut> work)
        {
            try
            {
                return await work;
            }
            catch (Exception e)
            {
                if (!(e is OperationCanceledException && stop.IsCancellationRequested)
                    && Interlocked.CompareExchange(ref firstFailure, ExceptionDispatchInfo.Capture(e), null) is null)
                {
                    stop.Cancel();
                }
                return default!;
            }
        }

        var started = items.Select(item => Guard(body(item, stop.Token))).ToArray();
        for (int from = 0; from < started.Length; from += maxParallelism)
        {
            var batch = started.Skip(from).Take(maxParallelism).ToArray();
            var done = await Task.WhenAll(batch);
            Array.Copy(done, 0, results, from, done.Length);
        }

        Volatile.Read(ref firstFailure)?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
