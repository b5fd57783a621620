using System;
using System.Threading;
using System.Threading.Tasks;

// Reference: a SemaphoreSlim holds the free slots. Callers wait for a slot asynchronously (no
// thread is blocked) and with their token, so a caller cancelled while waiting leaves without a
// slot and without running its body. Once a slot is taken it is given back in `finally`, whatever
// way the body ends.
public sealed class ConcurrencyLimiter
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
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
            _slots.Release();
        }
    }
}
