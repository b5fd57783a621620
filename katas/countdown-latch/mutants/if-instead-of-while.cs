using System;
using System.Diagnostics;
using System.Threading;

// Mistake: every Signal wakes the waiters, and Wait checks the count with `if` instead of
// `while`. A waiter woken by a Signal that did not bring the count to zero returns anyway: it is
// released before the count reaches zero.
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
            Monitor.PulseAll(_gate);
        }
    }

    public void Wait()
    {
        lock (_gate)
        {
            if (_count > 0) Monitor.Wait(_gate);
        }
    }

    public bool Wait(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_count > 0) Monitor.Wait(_gate, timeout);
            return _count == 0;
        }
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
