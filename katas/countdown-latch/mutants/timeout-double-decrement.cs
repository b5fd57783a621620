// Kata: countdown-latch
// Bug: Wait(timeout) decrements the sleeping-waiter counter on the timeout path AND in its finally
//      block, so each timed-out wait drives _waiters one lower; Signal skips PulseAll when it thinks
//      nobody sleeps (_waiters <= 0), so a later Wait() sleeps through the last Signal forever.
// Interleaving: latch(1). T1: Wait(10 ms) sleeps, times out -> _waiters = -1. T2: Wait() -> _waiters = 0,
//      Monitor.Wait. T3: Signal() -> count 0, sees _waiters == 0, no PulseAll. T2 never wakes
//      ("none left waiting" broken).
using System;
using System.Diagnostics;
using System.Threading;

public sealed class CountdownLatch
{
    private readonly object _gate = new object();
    private int _count;
    private int _waiters; // threads asleep in Monitor.Wait: Signal only pulses when there are some

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
            if (_count == 0 && _waiters > 0) Monitor.PulseAll(_gate); // nobody asleep: skip the wake-up
        }
    }

    public void Wait()
    {
        lock (_gate)
        {
            if (_count == 0) return;
            _waiters++;
            try
            {
                while (_count > 0) Monitor.Wait(_gate);
            }
            finally
            {
                _waiters--;
            }
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
            if (_count == 0) return true;
            _waiters++;
            try
            {
                while (_count > 0)
                {
                    var left = timeout - clock.Elapsed;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left))
                    {
                        if (_count == 0) return true;
                        _waiters--; // I am not waiting any more
                        return false;
                    }
                }
                return true;
            }
            finally
            {
                _waiters--;
            }
        }
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
