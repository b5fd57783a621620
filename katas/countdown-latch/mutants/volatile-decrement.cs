using System;
using System.Threading;

// Mistake: the count is read and written with Volatile, which makes each access visible but does
// not make "read, subtract one, write" a single step. Two concurrent Signals read the same value
// and write the same result: a signal is lost and the latch never reaches zero on time.
public sealed class CountdownLatch
{
    private readonly ManualResetEventSlim _zero = new ManualResetEventSlim(false);
    private int _count;

    public CountdownLatch(int count)
    {
        _count = count;
        if (count == 0) _zero.Set();
    }

    public void Signal()
    {
        int current = Volatile.Read(ref _count);
        if (current == 0) throw new InvalidOperationException("The latch is already at zero.");
        Volatile.Write(ref _count, current - 1);
        if (current - 1 == 0) _zero.Set();
    }

    public void Wait() => _zero.Wait();

    public bool Wait(TimeSpan timeout) => _zero.Wait(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
