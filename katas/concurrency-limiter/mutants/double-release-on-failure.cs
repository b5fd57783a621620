using System;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the slot is released in a catch block "to be safe" and again in finally. Every
// failed body gives back two slots for the one it took, so after a few failures more than
// maxConcurrency bodies run at once.
public sealed class ConcurrencyLimiter
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _slots = new SemaphoreSlim(maxConcurrency);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken);
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await work(cancellationToken);
        }
        catch
        {
            _slots.Release();
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _slots.Release();
        }
    }
}
