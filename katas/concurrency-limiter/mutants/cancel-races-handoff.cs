// Kata: concurrency-limiter
// Bug: a freed slot is handed straight to the first queued waiter (dequeued under the lock,
//      TrySetResult outside it, result ignored), while a waiter's cancellation callback cancels
//      its TaskCompletionSource even when the waiter has already been dequeued. If the cancel lands
//      between the dequeue and the hand-off, the waiter leaves cancelled and the slot is gone:
//      the limiter shrinks by one for good.
// Interleaving: limiter(1). A runs its body. B queues (node in _waiters). A finishes: Release
//      takes the lock, dequeues B's node, leaves the lock. B's caller cancels: callback sees the
//      node already gone (no Remove), TrySetCanceled succeeds -> B gets a cancelled task.
//      A: B.TrySetResult() returns false (ignored). _free stays 0 and no waiter holds the slot:
//      every later caller waits forever.
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

public sealed class ConcurrencyLimiter
{
    private readonly object _gate = new object();
    private readonly LinkedList<TaskCompletionSource> _waiters = new LinkedList<TaskCompletionSource>();
    private int _free;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _free = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
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
            Release();
        }
    }

    private async Task AcquireAsync(CancellationToken token)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return;
            }
            token.ThrowIfCancellationRequested();
            node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        using (token.Register(() =>
        {
            lock (_gate)
            {
                if (node.List is not null) _waiters.Remove(node); // still queued: leave the queue
            }
            node.Value.TrySetCanceled(token);
        }))
        {
            await node.Value.Task.ConfigureAwait(false); // throws when cancelled
        }
    }

    private void Release()
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _free++;
            }
        }
        next?.TrySetResult(); // hand the slot straight to the next waiter, outside the lock
    }
}
