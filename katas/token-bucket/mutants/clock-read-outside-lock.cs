// Kata: token-bucket
// Bug: TryTake reads the clock BEFORE taking the lock, and the refill always sets _last = now.
//      A caller that read the clock, then lost the race for the lock to a caller that read a later
//      time, moves _last backwards (its elapsed time is negative, clamped to 0 earned), so the next
//      refill credits the same stretch of time a second time.
// Interleaving: bucket drained at t0. A: now=t0 (reads clock, not yet locked). Clock -> t1.
//      B: now=t1, lock, refill credits rate*(t1-t0), _last=t1, takes them. A: lock, earned
//      max(0,t0-t1)=0, _last=t0 (backwards!). C at t1: refill credits rate*(t1-t0) AGAIN and takes
//      them: a bucket that was full at t0 grants capacity + 2*rate*(t1-t0) over [t0,t1], more than
//      the capacity + rate*(t1-t0) the statement allows (each such race adds another rate*(t1-t0)).
using System;

public sealed class TokenBucket
{
    private readonly object _gate = new object();
    private readonly long _capacity;
    private readonly double _tokensPerTick;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _time = time;
        _tokensPerTick = (double)refillPerSecond / time.TimestampFrequency;
        _tokens = capacity;
        _last = time.GetTimestamp();
    }

    private void RefillLocked(long now)
    {
        double earned = Math.Max(0, now - _last) * _tokensPerTick; // never take tokens away
        _tokens = Math.Min(_capacity, _tokens + earned);
        _last = now;
    }

    public bool TryTake(long tokens = 1)
    {
        long now = _time.GetTimestamp(); // read the clock outside the lock: keep the critical section short
        lock (_gate)
        {
            RefillLocked(now);
            if (_tokens < tokens) return false;
            _tokens -= tokens;
            return true;
        }
    }

    public long Available
    {
        get
        {
            long now = _time.GetTimestamp();
            lock (_gate)
            {
                RefillLocked(now);
                return (long)_tokens;
            }
        }
    }
}
