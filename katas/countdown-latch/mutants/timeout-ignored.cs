using System;
using System.Threading;

// Mistake: Wait(timeout) simply calls Wait(), so a caller who asked to give up after a moment
// waits forever on a latch that never reaches zero.
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
        Wait();
        return true;
    }

    public int CurrentCount
    {
        get { lock (_gate) return _count; }
    }
}
