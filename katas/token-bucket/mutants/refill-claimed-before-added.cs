using System;
using System.Threading;

// Mistake: lock-free, with the token count and the credited time in two fields. A refill first
// claims the stretch of time (CAS on the credited time) and only then adds its tokens; a call that
// starts after the clock moved, in between, finds the time already credited and the tokens not yet
// there, and is refused although the tokens were earned before it started.
public sealed class TokenBucket
{
    private readonly long _capacity;
    private readonly long _rate;
    private readonly TimeProvider _time;
    private long _tokens;
    private long _credited; // timestamp up to which refill has been credited

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _rate = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _credited = time.GetTimestamp();
    }

    private void Refill()
    {
        long credited = Volatile.Read(ref _credited);
        long now = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        long earned = (long)((Int128)(now - credited) * _rate / frequency);
        if (earned <= 0) return;
        long tokens = Volatile.Read(ref _tokens);
        if (tokens >= _capacity)
        {
            Interlocked.CompareExchange(ref _credited, now, credited); // a full bucket earns nothing while it waits
            return;
        }

        long next = earned >= _capacity - tokens ? now : credited + (long)(((Int128)earned * frequency + _rate - 1) / _rate);
        if (Interlocked.CompareExchange(ref _credited, next, credited) != credited) return; // another caller is refilling
        while (true)
        {
            long seen = Volatile.Read(ref _tokens);
            long added = Math.Min(_capacity, seen + earned);
            if (Interlocked.CompareExchange(ref _tokens, added, seen) == seen) return;
        }
    }

    public bool TryTake(long tokens = 1)
    {
        Refill();
        while (true)
        {
            long seen = Volatile.Read(ref _tokens);
            if (seen < tokens) return false;
            if (Interlocked.CompareExchange(ref _tokens, seen - tokens, seen) == seen) return true;
        }
    }

    public long Available
    {
        get
        {
            Refill();
            return Volatile.Read(ref _tokens);
        }
    }
}
