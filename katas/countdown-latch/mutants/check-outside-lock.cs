using System;
using System.Threading;

// Mistake: Wait looks at the count first and only then takes the lock to sleep. If the last
// Signal (and its PulseAll) happens between the look and the sleep, the wake-up is already gone:
// the waiter sleeps forever on a latch that is open.
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
        if (Volatile.Read(ref _count) == 0) return;
        lock (_gate) Monitor.Wait(_gate);
    }

    public bool Wait(TimeSpan timeout)
    {
        if (Volatile.Read(ref _count) == 0) return true;
        lock (_gate) return Monitor.Wait(_gate, timeout);
    }

    public int CurrentCount => Volatile.Read(ref _count);
}
