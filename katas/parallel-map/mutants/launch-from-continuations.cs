// Mistake: no fixed workers; each body's completion frees its slot (Decrement running) and refills
// it from its own continuation with "while (running < max) { take the next item; Increment running;
// start it }". The check and the count are two steps: two bodies completing together both see a
// free slot before either counts its new body, and both launch, so maxParallelism + 1 bodies run
// at once (with 2 slots: both drop running to 0, one launches two items, the other a third).
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

public static class ParallelMap
{
    private sealed class Run<TIn, TOut>
    {
        public IReadOnlyList<TIn> Items = null!;
        public Func<TIn, CancellationToken, Task<TOut>> Body = null!;
        public int Max;
        public TOut[] Results = null!;
        public CancellationTokenSource Cts = null!;
        public int Running;
        public int Next = -1;
        public int Finished;
        public Exception? First;
        public readonly TaskCompletionSource AllDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Pending = 1; // the launcher itself, plus every body started

        public void TryLaunchMore()
        {
            while (!Cts.IsCancellationRequested && Volatile.Read(ref Running) < Max)
            {
                int i = Interlocked.Increment(ref Next);
                if (i >= Items.Count) return;
                Interlocked.Increment(ref Running);
                Interlocked.Increment(ref Pending);
                _ = RunOne(i);
            }
        }

        public void Leave()
        {
            if (Interlocked.Decrement(ref Pending) == 0) AllDone.TrySetResult();
        }

        private async Task RunOne(int i)
        {
            try
            {
                Results[i] = await Body(Items[i], Cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (!(ex is OperationCanceledException && Cts.IsCancellationRequested)
                    && Interlocked.CompareExchange(ref First, ex, null) == null)
                {
                    Cts.Cancel();
                }
            }
            Interlocked.Decrement(ref Running);
            TryLaunchMore(); // refill the free slot
            Leave();
        }
    }

    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        if (items.Count == 0) return results;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = new Run<TIn, TOut> { Items = items, Body = body, Max = maxParallelism, Results = results, Cts = cts };
        run.TryLaunchMore();
        run.Leave();
        await run.AllDone.Task.ConfigureAwait(false);
        if (run.First != null) ExceptionDispatchInfo.Capture(run.First).Throw();
        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }
}
