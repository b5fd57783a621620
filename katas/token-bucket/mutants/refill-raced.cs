using System;
using System.Threading;

// Mistake: taking is a correct compare-and-swap loop, but the refill reads "last refill time",
// adds the tokens earned since then, and moves the time forward as separate steps. Two callers
// arriving together both see the same elapsed time and both add its tokens: the refill is
// counted twice.
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
        long since = Volatile.Read(ref _creditedUpTo);
        long frequency = _time.TimestampFrequency;
        long earned = (long)((Int128)(now - since) * _refillPerSecond / frequency);
        if (earned <= 0) return;
        long newSince = since + (long)(((Int128)earned * frequency + _refillPerSecond - 1) / _refillPerSecond);
        while (true)
        {
            long seen = Volatile.Read(ref _tokens);
            long next = Math.Min(_capacity, seen + earned);
            if (Interlocked.CompareExchange(ref _tokens, next, seen) == seen) break;
        }
        Volatile.Write(ref _creditedUpTo, newSince);
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
        get { Refill(); return Volatile.Read(ref _tokens); }
    }
}
