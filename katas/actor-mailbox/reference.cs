using System;
using System.Threading.Channels;
using System.Threading.Tasks;

// Reference: an actor. The balance is owned by one loop reading one unbounded channel, so only one
// letter is ever handled at a time and no lock is needed. Each letter carries its reply (a
// TaskCompletionSource). StopAsync completes the writer: the loop handles what is left and ends
// when the channel is complete and empty; StopAsync then returns the final balance.
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
        await _loop;
        return _balance;
    }

    private static Task<T> Stopped<T>() => Task.FromException<T>(new InvalidOperationException("the account is stopped"));
}
