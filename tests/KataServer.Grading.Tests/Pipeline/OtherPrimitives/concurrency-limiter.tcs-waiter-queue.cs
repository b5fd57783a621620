using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

// Correct (style: a hand-written async semaphore; its waiters leave through `using (token.Register(...))`, whose Dispose
// may have to wait for a callback another thread is running). Free slots are a counter under a lock; callers
// that find none enqueue a TaskCompletionSource and await it. A released slot is handed directly to
// the first waiter whose TrySetResult succeeds; a waiter whose token fires is completed as
// cancelled by its registration (TrySetCanceled). Exactly one of TrySetResult / TrySetCanceled wins
// for each waiter, so a slot is never lost (the releaser just tries the next waiter) and a cancelled
// waiter never runs its body.
public sealed class ConcurrencyLimiter
{
    private readonly object _gate = new object();
    private readonly LinkedList<TaskCompletionSource> _waiters = new LinkedList<TaskCompletionSource>();
    private int _free;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        if (maxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrency));
        _free = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _inFlight);
            try
            {
                return await work(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        finally
        {
            ReleaseSlot();
        }
    }

    private async Task AcquireAsync(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        using (token.Register(() =>
        {
            if (!waiter.TrySetCanceled(token)) return; // the slot was handed to us first
            lock (_gate)
            {
                if (node.List is not null) _waiters.Remove(node);
            }
        }))
        {
            await waiter.Task.ConfigureAwait(false); // throws if cancelled; otherwise we own a slot
        }
    }

    private void ReleaseSlot()
    {
        while (true)
        {
            TaskCompletionSource next;
            lock (_gate)
            {
                var first = _waiters.First;
                if (first is null)
                {
                    _free++;
                    return;
                }
                _waiters.RemoveFirst();
                next = first.Value;
            }
            if (next.TrySetResult()) return; // slot handed over
            // that waiter was cancelled meanwhile: give the slot to the next one
        }
    }
}
