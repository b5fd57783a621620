using System;
using System.Diagnostics;
using System.Threading;

// A correct latch whose timed Wait keeps its deadline on a Stopwatch made with `new` and read in
// milliseconds: under the explorer the stopwatch measures virtual time, so a timeout that runs out
// while other threads wait and signal replays the same way (it used to read the real clock, and the
// schedule diverged).
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
            if (--_count == 0) Monitor.PulseAll(_gate);
        }
    }

    public void Wait() => Wait(Timeout.InfiniteTimeSpan);

    public bool Wait(TimeSpan timeout)
    {
        var stopwatch = new Stopwatch();
        stopwatch.Start();
        long budget = timeout == Timeout.InfiniteTimeSpan ? -1 : (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_count > 0)
            {
                if (budget < 0)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                long left = budget - stopwatch.ElapsedMilliseconds;
                if (left <= 0 || !Monitor.Wait(_gate, (int)left))
                {
                    if (_count > 0 && budget - stopwatch.ElapsedMilliseconds <= 0) return false;
                }
            }

            stopwatch.Stop();
            return true;
        }
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
