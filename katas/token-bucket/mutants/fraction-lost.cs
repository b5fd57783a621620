// Kata: token-bucket
// Bug: the bucket keeps whole tokens only. Each refill adds floor(elapsed x rate) and then sets the
//      last refill time to now, so the part of a token earned since the last call is thrown away.
//      Called often enough, it never refills: capacity 1, rate 1 per second, a call every 0.6 s:
//      each call sees 0.6 s since the last one, earns floor(0.6) = 0 tokens, and forgets the 0.6 s.
//      Six seconds of clock grant no token at all, where a bucket that carries the fraction grants 5
//      or 6. Everything else (lock, cap, clock) is right, so it only shows when the clock moves in
//      steps shorter than one token's time.
using System;

public sealed class TokenBucket
{
    private readonly object _gate = new object();
    private readonly long _capacity;
    private readonly long _refillPerSecond;
    private readonly TimeProvider _time;
    private long _tokens;
    private long _lastRefill;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _lastRefill = time.GetTimestamp();
    }

    private void RefillLocked()
    {
        long now = _time.GetTimestamp();
        long elapsed = now - _lastRefill;
        if (elapsed <= 0) return;
        Int128 earned = (Int128)elapsed * _refillPerSecond / _time.TimestampFrequency;
        _tokens = (long)Int128.Min(_capacity, _tokens + earned);
        _lastRefill = now; // BUG: the fraction of a token earned since the last refill is lost
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
