using System;
using System.Threading;
using System.Threading.Tasks;

// Mistake: the slot is given back after success and after a failure, but a cancelled body is
// treated as "not a failure" and skips the release. Each cancellation leaks a slot; once they are
// all gone, every later caller waits forever.
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
        await _slots.WaitAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _inFlight);
        try
        {
            T result = await work(cancellationToken);
            _slots.Release();
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _slots.Release();
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
