using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

// Mistake: two loops read the same mailbox "for throughput". Two deposits are then handled at
// the same time, and one `_balance += amount` overwrites the other.
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

    private readonly Channel<Letter> _mailbox = Channel.CreateUnbounded<Letter>(new UnboundedChannelOptions());
    private readonly Task _loop;
    private readonly Task _secondLoop;
    private decimal _balance; // touched only by the loop

    public Account()
    {
        _loop = Task.Run(RunAsync);
        _secondLoop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var letter))
            {
                switch (letter)
                {
                    case Deposit d:
                        _balance += d.Amount;
                        d.Done.SetResult();
                        break;
                    case Balance b:
                        b.Reply.SetResult(_balance);
                        break;
                }
            }
        }
    }

    public Task DepositAsync(decimal amount)
    {
        var letter = new Deposit(amount);
        return _mailbox.Writer.TryWrite(letter) ? letter.Done.Task : Stopped<object?>();
    }

    public Task<decimal> BalanceAsync()
    {
        var letter = new Balance();
        return _mailbox.Writer.TryWrite(letter) ? letter.Reply.Task : Stopped<decimal>();
    }

    public async Task<decimal> StopAsync()
    {
        _mailbox.Writer.TryComplete();
        await Task.WhenAll(_loop, _secondLoop);
        return _balance;
    }

    private static Task<T> Stopped<T>() => Task.FromException<T>(new InvalidOperationException("the account is stopped"));
}
