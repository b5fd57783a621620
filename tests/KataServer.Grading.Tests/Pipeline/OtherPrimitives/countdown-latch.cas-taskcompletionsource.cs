using System;
using System.Threading;
using System.Threading.Tasks;

// Lock-free count with a compare-and-swap loop; the gate is a TaskCompletionSource completed by
// the Signal that reaches zero. Waiters block on its Task, with or without a timeout.
public sealed class CountdownLatch
{
    private int _count;
    private readonly TaskCompletionSource<bool> _open =
        new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);

    public CountdownLatch(int count)
    {
        _count = count;
        if (count == 0) _open.TrySetResult(true);
    }

    public void Signal()
    {
        while (true)
        {
            int seen = Volatile.Read(ref _count);
            if (seen == 0) throw new InvalidOperationException("The latch is already at zero.");
            if (Interlocked.CompareExchange(ref _count, seen - 1, seen) != seen) continue;
            if (seen == 1) _open.TrySetResult(true);
            return;
        }
    }

    public void Wait() => _open.Task.Wait();

    public bool Wait(TimeSpan timeout) => _open.Task.Wait(timeout);

    public int CurrentCount => Volatile.Read(ref _count);
}
