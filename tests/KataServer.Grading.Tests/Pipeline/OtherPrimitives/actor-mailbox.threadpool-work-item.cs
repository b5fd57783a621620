using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

// Akka-style dispatcher: no loop runs while the mailbox is empty. A sender that finds the actor
// idle marks it scheduled and queues one drain on the thread pool (IThreadPoolWorkItem); the
// drain handles letters one by one (outside the lock) until the queue is empty, then goes idle.
// Only one drain is ever scheduled at a time, so letters are handled one at a time, in queue order.
// StopAsync closes the mailbox; whoever sees "closed, empty and idle" completes the final balance.
public sealed class Account : IThreadPoolWorkItem
{
    private readonly object _gate = new object();
    private readonly Queue<(decimal Amount, TaskCompletionSource<decimal> Reply)> _queue = new();
    private readonly TaskCompletionSource<decimal> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _scheduled;
    private bool _closed;
    private decimal _balance; // touched only by the single drain (or by Stop when nothing can run)

    public Account() { }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            (decimal Amount, TaskCompletionSource<decimal> Reply) letter;
            bool finish = false;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _scheduled = false;
                    finish = _closed;
                }
                else
                {
                    letter = _queue.Dequeue();
                    goto handle;
                }
            }
            if (finish) _stopped.TrySetResult(_balance);
            return;

        handle:
            _balance += letter.Amount; // a balance letter carries 0
            letter.Reply.SetResult(_balance);
        }
    }

    private Task<decimal> Send(decimal amount)
    {
        var reply = new TaskCompletionSource<decimal>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool schedule;
        lock (_gate)
        {
            if (_closed) return Task.FromException<decimal>(new InvalidOperationException("the account is stopped"));
            _queue.Enqueue((amount, reply));
            schedule = !_scheduled;
            _scheduled = true;
        }
        if (schedule) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return reply.Task;
    }

    public Task DepositAsync(decimal amount) => Send(amount);

    public Task<decimal> BalanceAsync() => Send(0m);

    public Task<decimal> StopAsync()
    {
        bool idle;
        lock (_gate)
        {
            _closed = true;
            idle = !_scheduled; // not scheduled implies the queue is empty
        }
        if (idle) _stopped.TrySetResult(_balance);
        return _stopped.Task;
    }
}
