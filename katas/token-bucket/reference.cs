using System;

// Reference: one lock around "refill, then check and take". Refill credits whole tokens only and
// moves the credited point in time forward by exactly the time those tokens cost, so fractions
// of a token are never lost nor granted early; the bucket never holds more than its capacity.
// Time comes only from the TimeProvider.
public sealed class TokenBucket
{
    private readonly object _gate = new object();
    private readonly long _capacity;
    private readonly long _refillPerSecond;
    private readonly TimeProvider _time;
    private long _tokens;
    private long _creditedUpTo; // timestamp up to which refill has been credited

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _creditedUpTo = time.GetTimestamp();
    }

    private void RefillLocked()
    {
        long now = _time.GetTimestamp();
        long elapsed = now - _creditedUpTo;
        if (elapsed <= 0) return;
        if (_tokens >= _capacity || _refillPerSecond <= 0)
        {
            _creditedUpTo = now; // a full bucket earns nothing while it waits
            return;
        }

        long frequency = _time.TimestampFrequency;
        Int128 earned = (Int128)elapsed * _refillPerSecond / frequency;
        if (earned <= 0) return;
        if (earned >= _capacity - _tokens)
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
        get
        {
            lock (_gate)
            {
                RefillLocked();
                return _tokens;
            }
        }
    }
}
