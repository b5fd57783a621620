using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

// Mistake: StopAsync cancels the loop instead of letting it drain. Letters already in the mailbox
// when the cancellation lands are never handled: their deposits are missing from the final balance.
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
    private readonly CancellationTokenSource _stop = new CancellationTokenSource();

    public Account()
    {
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        try
        {
        while (await reader.WaitToReadAsync(_stop.Token))
        {
            while (!_stop.IsCancellationRequested && reader.TryRead(out var letter))
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
        catch (OperationCanceledException)
        {
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
        _stop.Cancel();
        await _loop;
        return _balance;
    }

    private static Task<T> Stopped<T>() => Task.FromException<T>(new InvalidOperationException("the account is stopped"));
}
