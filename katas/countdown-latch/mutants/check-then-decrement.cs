using System;
using System.Threading;

// Mistake: Signal checks "already at zero?" and then decrements atomically, as two steps. Two
// Signals arriving together at a count of 1 both pass the check and both decrement: the count
// goes below zero and the second Signal does not throw.
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
        if (Volatile.Read(ref _count) <= 0) throw new InvalidOperationException("The latch is already at zero.");
        if (Interlocked.Decrement(ref _count) == 0) _zero.Set();
    }

    public void Wait() => _zero.Wait();

    public bool Wait(TimeSpan timeout) => _zero.Wait(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
