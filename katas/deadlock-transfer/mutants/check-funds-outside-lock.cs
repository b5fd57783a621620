using System.Threading;

// Mistake: the locks are ordered correctly, but the "enough money?" check is done before taking
// them. Two transfers from the same account both see enough for one of them, then both debit:
// the balance goes below zero.
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
        if (BalanceOf(from) < amount) return false;

        object first = _locks[from < to ? from : to];
        object second = _locks[from < to ? to : from];
        lock (first)
        {
            lock (second)
            {
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
        int taken = 0;
        try
        {
            for (; taken < _locks.Length; taken++) Monitor.Enter(_locks[taken]);
            long total = 0;
            foreach (long balance in _balances) total += balance;
            return total;
        }
        finally
        {
            while (taken > 0) Monitor.Exit(_locks[--taken]);
        }
    }
}
