// Mistake: Signal decrements first and puts the count back when it went below zero, so for a moment a
// refused Signal shows the count at -1 to anyone reading CurrentCount ("a Signal at zero changes nothing").
using System;
using System.Threading;

public sealed class CountdownLatch
{
    private readonly ManualResetEventSlim _open;
    private int _count;

    public CountdownLatch(int count)
    {
        _count = count;
        _open = new ManualResetEventSlim(count == 0);
    }

    public void Signal()
    {
        int now = Interlocked.Decrement(ref _count);
        if (now < 0)
        {
            Interlocked.Increment(ref _count); // put it back
            throw new InvalidOperationException("The latch is already open.");
        }
        if (now == 0) _open.Set();
    }

    public void Wait() => _open.Wait();

    public bool Wait(TimeSpan timeout) => _open.Wait(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
