using System;

// Mistake: refill and take are correct on one thread but not protected at all. Two callers read
// the same token count, both see enough, and both subtract: the same token is granted twice.
public sealed class TokenBucket
{
    private readonly long _capacity;
    private readonly long _refillPerSecond;
    private readonly TimeProvider _time;
    private long _tokens;
    private long _creditedUpTo;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _creditedUpTo = time.GetTimestamp();
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        Int128 earned = (Int128)(now - _creditedUpTo) * _refillPerSecond / frequency;
        if (earned <= 0) return;
        if (_tokens + earned >= _capacity)
        {
            _tokens = _capacity;
            _creditedUpTo = now;
            return;
        }
        _tokens += (long)earned;
        _creditedUpTo += (long)((earned * frequency + _refillPerSecond - 1) / _refillPerSecond);
    }

    public bool TryTake(long tokens = 1)
    {
        Refill();
        if (_tokens < tokens) return false;
        _tokens -= tokens;
        return true;
    }

    public long Available
    {
        get { Refill(); return _tokens; }
    }
}
