using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

// Mistake: StopAsync marks the account stopped and waits for the loop to end, but never completes
// the channel: the loop keeps waiting for the next letter, and StopAsync never returns.
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
    private decimal _balance; // touched only by the loop
    private volatile bool _stopped;

    public Account()
    {
        _loop = Task.Run(RunAsync);
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
        return !_stopped && _mailbox.Writer.TryWrite(letter) ? letter.Done.Task : Stopped<object?>();
    }

    public Task<decimal> BalanceAsync()
    {
        var letter = new Balance();
        return !_stopped && _mailbox.Writer.TryWrite(letter) ? letter.Reply.Task : Stopped<decimal>();
    }

    public async Task<decimal> StopAsync()
    {
        _stopped = true;
        await _loop;
        return _balance;
    }

    private static Task<T> Stopped<T>() => Task.FromException<T>(new InvalidOperationException("the account is stopped"));
}
