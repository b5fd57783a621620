using System.Threading;

// Mistake: the locks are nested in argument order (from, then to). Transfer(a, b) holds a and
// waits for b while a concurrent Transfer(b, a) holds b and waits for a: both wait forever.
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
            lock (_locks[to])
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
