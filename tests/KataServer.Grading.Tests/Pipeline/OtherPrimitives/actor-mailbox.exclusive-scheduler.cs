using System;
using System.Threading;
using System.Threading.Tasks;

// The clerk is the exclusive half of a ConcurrentExclusiveSchedulerPair (maxConcurrencyLevel 1):
// tasks queued to it run one at a time, in the order queued.
public sealed class Account
{
    private readonly ConcurrentExclusiveSchedulerPair _pair = new(TaskScheduler.Default, 1);
    private readonly TaskFactory _clerk;
    private readonly object _gate = new();
    private bool _stopped;
    private decimal _balance;

    public Account()
    {
        _clerk = new TaskFactory(CancellationToken.None, TaskCreationOptions.None, TaskContinuationOptions.None, _pair.ExclusiveScheduler);
    }

    public Task DepositAsync(decimal amount)
    {
        lock (_gate)
        {
            if (_stopped) return Task.FromException(new InvalidOperationException("the account is stopped"));
            return _clerk.StartNew(() => { _balance += amount; });
        }
    }

    public Task<decimal> BalanceAsync()
    {
        lock (_gate)
        {
            if (_stopped) return Task.FromException<decimal>(new InvalidOperationException("the account is stopped"));
            return _clerk.StartNew(() => _balance);
        }
    }

    public async Task<decimal> StopAsync()
    {
        Task<decimal> last;
        lock (_gate)
        {
            _stopped = true;
            last = _clerk.StartNew(() => _balance);
            _pair.Complete();
        }
        decimal final = await last.ConfigureAwait(false);
        await _pair.Completion.ConfigureAwait(false);
        return final;
    }
}
