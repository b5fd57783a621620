using System;
using System.Threading;
using System.Threading.Tasks;

// Mistake: no semaphore; a caller polls InFlight until it is below the limit, then increments
// it. Between the check and the increment other callers do the same, so more than
// maxConcurrency bodies start together.
public sealed class ConcurrencyLimiter
{
    private readonly int _maxConcurrency;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _maxConcurrency = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        while (Volatile.Read(ref _inFlight) >= _maxConcurrency)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
