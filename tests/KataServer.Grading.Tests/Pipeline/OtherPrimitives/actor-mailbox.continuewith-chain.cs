using System;
using System.Threading;
using System.Threading.Tasks;

// The "mailbox" is a chain of continuations: each letter runs after the previous one finished.
public sealed class Account
{
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;
    private bool _stopped;
    private decimal _balance; // touched only by the chain, one link at a time

    public Task DepositAsync(decimal amount)
    {
        lock (_gate)
        {
            if (_stopped) return Task.FromException(new InvalidOperationException("the account is stopped"));
            Task link = _tail.ContinueWith(_ => { _balance += amount; }, CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
            _tail = link;
            return link;
        }
    }

    public Task<decimal> BalanceAsync()
    {
        lock (_gate)
        {
            if (_stopped) return Task.FromException<decimal>(new InvalidOperationException("the account is stopped"));
            Task<decimal> link = _tail.ContinueWith(_ => _balance, CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
            _tail = link;
            return link;
        }
    }

    public Task<decimal> StopAsync()
    {
        lock (_gate)
        {
            _stopped = true;
            Task<decimal> last = _tail.ContinueWith(_ => _balance, CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
            _tail = last;
            return last;
        }
    }
}
