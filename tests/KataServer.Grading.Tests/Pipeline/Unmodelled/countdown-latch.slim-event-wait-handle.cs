using System;
using System.Threading;

// Correct: the count goes down with a compare-and-swap loop (never below zero), the last Signal opens a
// ManualResetEventSlim, and waiters wait on the event's kernel handle. That handle is something the
// explorer does not model, so the tests must fall back to real-thread stress instead of failing.
public sealed class CountdownLatch
{
    private readonly ManualResetEventSlim _open;
    private int _count;

    public CountdownLatch(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        _count = count;
        _open = new ManualResetEventSlim(count == 0);
    }

    public void Signal()
    {
        while (true)
        {
            int seen = Volatile.Read(ref _count);
            if (seen == 0) throw new InvalidOperationException("The latch is already at zero.");
            if (Interlocked.CompareExchange(ref _count, seen - 1, seen) != seen) continue;
            if (seen == 1) _open.Set();
            return;
        }
    }

    public void Wait() => _open.WaitHandle.WaitOne();

    public bool Wait(TimeSpan timeout) => _open.WaitHandle.WaitOne(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
