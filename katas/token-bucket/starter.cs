using System;

// A first try: the bucket starts full and hands tokens out, but nothing ever refills it yet,
// and nothing stops two threads from taking the same tokens.
public sealed class TokenBucket
{
    private readonly long _capacity;
    private readonly long _refillPerSecond;
    private readonly TimeProvider _time;
    private long _tokens;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
    }

    public bool TryTake(long tokens = 1)
    {
        // TODO: refill from the time that has passed (_time), up to _capacity.
        if (_tokens < tokens) return false;
        _tokens -= tokens;
        return true;
    }

    public long Available => _tokens;
}
