using System;
using System.Threading;

// Mistake: reaching zero releases ONE permit of a semaphore. The first waiter takes it and goes;
// every other waiter stays blocked forever.
public sealed class CountdownLatch
{
    private readonly SemaphoreSlim _open = new SemaphoreSlim(0);
    private int _count;

    public CountdownLatch(int count)
    {
        _count = count;
        if (count == 0) _open.Release();
    }

    public void Signal()
    {
        while (true)
        {
            int current = Volatile.Read(ref _count);
            if (current == 0) throw new InvalidOperationException("The latch is already at zero.");
            if (Interlocked.CompareExchange(ref _count, current - 1, current) != current) continue;
            if (current == 1) _open.Release();
            return;
        }
    }

    public void Wait() => _open.Wait();

    public bool Wait(TimeSpan timeout) => Volatile.Read(ref _count) == 0 || _open.Wait(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
