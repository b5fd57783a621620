using System;
using System.Threading;
using System.Threading.Tasks;

// A first try: it counts the bodies in flight, but it never makes anyone wait, so any number of
// bodies run at once.
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
        // TODO: wait (asynchronously) while _maxConcurrency bodies are already running.
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
