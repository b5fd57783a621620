using System;
using System.Threading;

// Lock-free: the whole state (tokens, credited-up-to time) is one immutable object swapped by CAS.
// The clock is read before the CAS loop; a stale reading never moves the credited time backwards.
public sealed class TokenBucket
{
    private sealed class State
    {
        public readonly double Tokens;
        public readonly long Last;
        public State(double tokens, long last) { Tokens = tokens; Last = last; }
    }

    private readonly long _capacity;
    private readonly double _perTick;
    private readonly TimeProvider _time;
    private State _state;

    public TokenBucket(long capacity, long refillPerSecond, TimeProvider time)
    {
        _capacity = capacity;
        _time = time;
        _perTick = (double)refillPerSecond / time.TimestampFrequency;
        _state = new State(capacity, time.GetTimestamp());
    }

    private State Refilled(State s, long now)
    {
        if (now <= s.Last) return s;
        double tokens = Math.Min(_capacity, s.Tokens + (now - s.Last) * _perTick);
        return new State(tokens, now);
    }

    public bool TryTake(long tokens = 1)
    {
        long now = _time.GetTimestamp();
        while (true)
        {
            State s = Volatile.Read(ref _state);
            State r = Refilled(s, now);
            if (r.Tokens + 1e-9 < tokens)
            {
                if (r == s || Interlocked.CompareExchange(ref _state, r, s) == s) return false;
                continue;
            }

            var next = new State(Math.Max(0, r.Tokens - tokens), r.Last);
            if (Interlocked.CompareExchange(ref _state, next, s) == s) return true;
        }
    }

    public long Available
    {
        get
        {
            long now = _time.GetTimestamp();
            State s = Volatile.Read(ref _state);
            return (long)(Refilled(s, now).Tokens + 1e-9);
        }
    }
}
