using System.Threading;

// Mistake: to avoid holding two locks, the debit and the credit are done under separate locks,
// one after the other. No update is lost and no balance goes negative, but between the two steps
// the money is in neither account: a TotalBalance taken at that moment comes up short.
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
        lock (_locks[from])
        {
            if (_balances[from] < amount) return false;
            _balances[from] -= amount;
        }
        lock (_locks[to])
        {
            _balances[to] += amount;
        }
        return true;
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
