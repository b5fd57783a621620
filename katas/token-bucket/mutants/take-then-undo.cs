// Mistake: refills run under a lock and are capped at capacity, but TryTake is "optimistic": it
// subtracts the tokens with Interlocked.Add and adds them back if the count went negative. A
// refused TryTake(2) on a bucket holding 1 token hides that token for a moment, so a concurrent
// TryTake(1) is refused although the token was there; and a refill that fills the bucket inside
// that window caps at capacity on the lowered count, so the undo lifts the bucket above capacity.
using System;
using System.Threading;

public sealed class TokenBucket
{
    private readonly long _capacity;
    private readonly long _rate;
    private readonly long _freq;
    private readonly TimeProvider _time;
    private readonly object _clock = new object();
    private long _tokens;
    private long _last;
    private long _carry; // leftover (ticks × rate) that did not make a whole token yet

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _rate = refillPerSecond;
        _time = time;
        _freq = time.TimestampFrequency;
        _tokens = capacity;
        _last = time.GetTimestamp();
    }

    private void Refill()
    {
        lock (_clock)
        {
            long now = _time.GetTimestamp();
            long elapsed = now - _last;
            if (elapsed <= 0) return;
            _last = now;
            Int128 units = (Int128)elapsed * _rate + _carry;
            Int128 whole = units / _freq;
            _carry = (long)(units % _freq);
            long add = whole > _capacity ? _capacity : (long)whole;
            if (add == 0) return;
            long cur, next;
            do
            {
                cur = Volatile.Read(ref _tokens);
                next = Math.Min(_capacity, cur + add);
            } while (Interlocked.CompareExchange(ref _tokens, next, cur) != cur);
            if (next == _capacity) _carry = 0; // full: time spent full earns nothing
        }
    }

    public bool TryTake(long tokens = 1)
    {
        Refill();
        if (Interlocked.Add(ref _tokens, -tokens) >= 0) return true;
        Interlocked.Add(ref _tokens, tokens); // not enough: put them back
        return false;
    }

    public long Available
    {
        get
        {
            Refill();
            return Math.Max(0, Volatile.Read(ref _tokens));
        }
    }
}
