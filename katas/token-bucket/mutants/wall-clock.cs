using System;
using System.Diagnostics;

// Mistake: the TimeProvider is accepted and ignored; the refill runs on the machine's clock
// (Stopwatch). Nothing the caller's clock says has any effect: advancing it refills nothing,
// and real time passing refills a bucket whose clock is standing still.
public sealed class TokenBucket
{
    private readonly object _gate = new object();
    private readonly long _capacity;
    private readonly long _refillPerSecond;
    private long _tokens;
    private long _creditedUpTo;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _tokens = capacity;
        _creditedUpTo = Stopwatch.GetTimestamp();
    }

    private void RefillLocked()
    {
        long now = Stopwatch.GetTimestamp();
        Int128 earned = (Int128)(now - _creditedUpTo) * _refillPerSecond / Stopwatch.Frequency;
        if (earned <= 0) return;
        if (earned >= _capacity - _tokens)
        {
            _tokens = _capacity;
            _creditedUpTo = now;
            return;
        }
        _tokens += (long)earned;
        _creditedUpTo += (long)((earned * Stopwatch.Frequency + _refillPerSecond - 1) / _refillPerSecond);
    }

    public bool TryTake(long tokens = 1)
    {
        lock (_gate)
        {
            RefillLocked();
            if (_tokens < tokens) return false;
            _tokens -= tokens;
            return true;
        }
    }

    public long Available
    {
        get { lock (_gate) { RefillLocked(); return _tokens; } }
    }
}
