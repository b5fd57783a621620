using System;
using System.Threading;

// A first try: the count is a plain field and waiting means polling it. Signals can be lost,
// waiters burn a core while they wait, and Wait(timeout) ignores its timeout.
public sealed class CountdownLatch
{
    private int _count;

    public CountdownLatch(int count)
    {
        _count = count;
    }

    public void Signal()
    {
        _count--;
    }

    public void Wait()
    {
        while (_count > 0) Thread.Yield();
    }

    public bool Wait(TimeSpan timeout)
    {
        Wait();
        return true;
    }

    public int CurrentCount => _count;
}
