using System;
using System.Threading.Tasks;

// An account with an async face but no mailbox: every call changes the balance directly, on the
// caller's thread. Two deposits at the same time can overwrite each other.
// Give it a mailbox (System.Threading.Channels) and one loop that handles the letters one by one.
public sealed class Account
{
    private decimal _balance;
    private bool _stopped;

    public Task DepositAsync(decimal amount)
    {
        if (_stopped) return Task.FromException(new InvalidOperationException("the account is stopped"));
        _balance += amount;
        return Task.CompletedTask;
    }

    public Task<decimal> BalanceAsync()
    {
        if (_stopped) return Task.FromException<decimal>(new InvalidOperationException("the account is stopped"));
        return Task.FromResult(_balance);
    }

    public Task<decimal> StopAsync()
    {
        _stopped = true;
        return Task.FromResult(_balance);
    }
}
