using System;
using System.Diagnostics;
using System.Threading;

// Mistake: after each wake-up, Wait(timeout) looks at the clock before it looks at the count. A
// waiter woken by the last Signal before its deadline, but scheduled only after the deadline,
// returns false although the latch opened in time.
public sealed class CountdownLatch
{
    private readonly object _gate = new object();
    private int _count;

    public CountdownLatch(int count)
    {
        _count = count;
    }

    public void Signal()
    {
        lock (_gate)
        {
            if (_count == 0) throw new InvalidOperationException("The latch is already at zero.");
            _count--;
            if (_count == 0) Monitor.PulseAll(_gate);
        }
    }

    public void Wait()
    {
        lock (_gate)
        {
            while (_count > 0) Monitor.Wait(_gate);
        }
    }

    public bool Wait(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            Wait();
            return true;
        }

        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (_count > 0)
            {
                var left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(_gate, left);
                if (clock.Elapsed >= timeout) return false; // the time is up: give up, whatever woke us
            }

            return true;
        }
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
