using System;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the token is checked once before queueing, but the wait for a slot ignores it. A
// caller cancelled while it waits stays in the queue and, when a slot frees up, runs its body
// anyway.
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
        cancellationToken.ThrowIfCancellationRequested();
        await _slots.WaitAsync();
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }
}
