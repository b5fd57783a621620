using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

// A hand-made async semaphore whose waiters are IValueTaskSource objects built on
// ManualResetValueTaskSourceCore (continuations always run asynchronously). Release hands the
// slot straight to the first queued waiter; a waiter's token takes it out of the queue and fails
// it with OperationCanceledException. Both decisions are made under one lock, so each waiter is
// completed exactly once, and a cancelled waiter never holds a slot.
public sealed class ConcurrencyLimiter
{
    private sealed class Waiter : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        public readonly ConcurrencyLimiter Owner;
        public LinkedListNode<Waiter>? Node;
        public CancellationToken Token;

        public Waiter(ConcurrencyLimiter owner) { Owner = owner; }

        public short Version => _core.Version;
        public void Grant() => _core.SetResult(true);
        public void Fail(Exception e) => _core.SetException(e);

        public void GetResult(short token) => _core.GetResult(token);
        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }

    private readonly object _gate = new object();
    private readonly LinkedList<Waiter> _queue = new LinkedList<Waiter>();
    private int _free;
    private int _inFlight;

    public ConcurrencyLimiter(int maxConcurrency)
    {
        _free = maxConcurrency;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    private ValueTask AcquireAsync(CancellationToken cancellationToken, out Waiter? waiter)
    {
        waiter = null;
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return default;
            }
            waiter = new Waiter(this) { Token = cancellationToken };
            waiter.Node = _queue.AddLast(waiter);
        }
        return new ValueTask(waiter, waiter.Version);
    }

    private static void OnCancelled(object? state)
    {
        var waiter = (Waiter)state!;
        var owner = waiter.Owner;
        lock (owner._gate)
        {
            if (waiter.Node is null) return; // already granted
            owner._queue.Remove(waiter.Node);
            waiter.Node = null;
        }
        waiter.Fail(new OperationCanceledException(waiter.Token));
    }

    private void Release()
    {
        Waiter? next = null;
        lock (_gate)
        {
            if (_queue.First is { } first)
            {
                next = first.Value;
                _queue.RemoveFirst();
                next.Node = null;
            }
            else
            {
                _free++;
            }
        }
        next?.Grant();
    }

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var acquire = AcquireAsync(cancellationToken, out var waiter);
        if (waiter is not null)
        {
            using (cancellationToken.UnsafeRegister(OnCancelled, waiter))
            {
                await acquire.ConfigureAwait(false);
            }
        }
        else
        {
            await acquire.ConfigureAwait(false);
        }

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
}
