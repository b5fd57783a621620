using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

// The free slots are tokens in a channel: taking a slot reads a token (asynchronously, with the
// caller's token), giving it back writes the token again.
public sealed class ConcurrencyLimiter
{
    private readonly Channel<bool> _tokens = Channel.CreateUnbounded<bool>();
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        for (int i = 0; i < maxConcurrency; i++) _tokens.Writer.TryWrite(true);
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _tokens.Reader.ReadAsync(cancellationToken);
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _tokens.Writer.TryWrite(true);
        }
    }
}
