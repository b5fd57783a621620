using System;

// Mistake: the refill adds the tokens earned since last time but never caps the bucket at its
// capacity. After a quiet minute the bucket holds a minute's worth of tokens, and a burst takes
// them all at once: far more than capacity in a single instant.
public sealed class TokenBucket
{
    private readonly object _gate = new object();
    private readonly long _refillPerSecond;
    private readonly TimeProvider _time;
    private long _tokens;
    private long _creditedUpTo;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _creditedUpTo = time.GetTimestamp();
    }

    private void RefillLocked()
    {
        long now = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        Int128 earned = (Int128)(now - _creditedUpTo) * _refillPerSecond / frequency;
        if (earned <= 0) return;
        _tokens += (long)earned;
        _creditedUpTo += (long)((earned * frequency + _refillPerSecond - 1) / _refillPerSecond);
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
