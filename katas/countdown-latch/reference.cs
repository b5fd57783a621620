using System;
using System.Diagnostics;
using System.Threading;

// Reference: everything under one monitor. Signal decrements under the lock (or throws at zero)
// and wakes every waiter with PulseAll when the count reaches zero. Wait re-checks the count in a
// `while` loop under the same lock, so it can neither miss the last Signal nor return early.
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
            }
            return true;
        }
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
