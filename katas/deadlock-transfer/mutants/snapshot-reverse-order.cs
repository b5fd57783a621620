using System.Threading;

// Mistake: Transfer takes its two locks lowest index first, but TotalBalance takes all the locks
// from the last account down to the first. A transfer holding account 1 and waiting for account 3
// meets a snapshot holding 3 and waiting for 1: neither can move.
public sealed class Bank
{
    private readonly long[] _balances;
    private readonly object[] _locks;

    public Bank(int accountCount, long initialBalance)
    {
        _balances = new long[accountCount];
        _locks = new object[accountCount];
        for (int i = 0; i < accountCount; i++)
        {
            _balances[i] = initialBalance;
            _locks[i] = new object();
        }
    }

    public bool Transfer(int from, int to, long amount)
    {
        object first = _locks[from < to ? from : to];
        object second = _locks[from < to ? to : from];
        lock (first)
        {
            lock (second)
            {
                if (_balances[from] < amount) return false;
                _balances[from] -= amount;
                _balances[to] += amount;
                return true;
            }
        }
    }

    public long BalanceOf(int account)
    {
        lock (_locks[account]) return _balances[account];
    }

    public long TotalBalance()
    {
        int last = _locks.Length - 1;
        int taken = last;
        try
        {
            for (; taken >= 0; taken--) Monitor.Enter(_locks[taken]);
            long total = 0;
            foreach (long balance in _balances) total += balance;
            return total;
        }
        finally
        {
            for (int i = taken + 1; i <= last; i++) Monitor.Exit(_locks[i]);
        }
    }
}
