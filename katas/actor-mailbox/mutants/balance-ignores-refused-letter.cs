// Mistake: deposits are refused properly after StopAsync, but BalanceAsync ("read-only, it cannot
// change the final balance") checks a stopped flag and then ignores TryWrite's result. A balance
// sent while the account stops passes the check, its letter is refused by the closed mailbox, and
// its reply never comes.
using System;
using System.Threading.Channels;
using System.Threading.Tasks;

public sealed class Account
{
    private abstract class Letter { }
    private sealed class Deposit : Letter
    {
        public readonly decimal Amount;
        public readonly TaskCompletionSource Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        public Deposit(decimal amount) { Amount = amount; }
    }
    private sealed class Balance : Letter
    {
        public readonly TaskCompletionSource<decimal> Reply = new TaskCompletionSource<decimal>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Channel<Letter> _mailbox = Channel.CreateUnbounded<Letter>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private decimal _balance;
    private volatile bool _stopped;

    public Account()
    {
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var letter))
            {
                switch (letter)
                {
                    case Deposit d: _balance += d.Amount; d.Done.TrySetResult(); break;
                    case Balance b: b.Reply.TrySetResult(_balance); break;
                }
            }
        }
    }

    public Task DepositAsync(decimal amount)
    {
        var d = new Deposit(amount);
        if (!_mailbox.Writer.TryWrite(d))
            return Task.FromException(new InvalidOperationException("the account is stopped"));
        return d.Done.Task;
    }

    public Task<decimal> BalanceAsync()
    {
        if (_stopped) return Task.FromException<decimal>(new InvalidOperationException("the account is stopped"));
        var b = new Balance();
        _mailbox.Writer.TryWrite(b); // a query can't change the balance: no need to check
        return b.Reply.Task;
    }

    public async Task<decimal> StopAsync()
    {
        _stopped = true;
        _mailbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        return _balance;
    }
}
