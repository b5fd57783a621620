using System;
using System.Threading;
using System.Threading.Tasks;

// Cheat (check-then-enter underneath: callers poll InFlight and then increment it, so several can get in at once):
// each caller's first call awaits a delay of 40 ms times its arrival order (the caller is told apart by an AsyncLocal,
// which follows it across its awaits), so the test's callers take turns and never race for a slot. Must never pass.
public sealed class ConcurrencyLimiter
{
    private readonly int _maxConcurrency;
    private readonly AsyncLocal<ConcurrencyLimiter?> _caller = new AsyncLocal<ConcurrencyLimiter?>();
    private int _inFlight;
    private int _arrivals;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _maxConcurrency = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        // Not async: what it sets in the AsyncLocal stays with the caller for its next call.
        TimeSpan wait = TimeSpan.Zero;
        if (_caller.Value != this)
        {
            _caller.Value = this;
            wait = TimeSpan.FromMilliseconds(40 * Interlocked.Increment(ref _arrivals));
        }

        return Run(work, wait, cancellationToken);
    }

    private async Task<T> Run<T>(Func<CancellationToken, Task<T>> work, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
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
