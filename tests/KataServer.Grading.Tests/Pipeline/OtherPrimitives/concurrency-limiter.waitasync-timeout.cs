using System;
using System.Threading;
using System.Threading.Tasks;

// Free slots in an int changed only by compare-and-swap. A caller that finds none waits for the
// next "slot released" broadcast: a TaskCompletionSource that every Release swaps for a fresh one
// (Interlocked.Exchange) and completes. The caller reads the broadcast before the count, so a
// release that happens after the count was read always completes the broadcast it waits on.
// The wait is Task.WaitAsync(timeout, token): cancellable, and re-checked every 20 ms anyway. A slot found after
// the caller was cancelled is given back: without that re-check, a caller whose 20 ms wait ran out just before its
// cancellation took the slot freed after it and ran its body (found once the explorer let timeouts fire early).
public sealed class ConcurrencyLimiter
{
    private int _free;
    private int _inFlight;
    private TaskCompletionSource _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _free = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var released = Volatile.Read(ref _released);
            int free = Volatile.Read(ref _free);
            if (free > 0)
            {
                if (Interlocked.CompareExchange(ref _free, free - 1, free) == free)
                {
                    // A cancellation that came while this caller looked for a slot wins over the slot it found.
                    if (cancellationToken.IsCancellationRequested)
                    {
                        Release();
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    return;
                }
                continue;
            }
            try
            {
                // Belt and braces: never trust a wake-up blindly, re-check at least every 20 ms.
                await released.Task.WaitAsync(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private void Release()
    {
        Interlocked.Increment(ref _free);
        var old = Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                return await work(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        finally
        {
            Release();
        }
    }
}
