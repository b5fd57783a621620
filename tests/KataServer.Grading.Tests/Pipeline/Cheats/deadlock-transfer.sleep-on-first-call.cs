using System.Threading;

// Cheat (the deadlocking starter underneath): each thread's first call on a bank sleeps 40 ms times its arrival
// order, so on real threads the test's threads run one after another and opposite transfers never meet; under a
// virtual clock that only advances when everyone waits, the same happens. Must never pass.
public sealed class Bank
{
    private readonly long[] _balances;
    private readonly object[] _locks;
    private int _arrivals;
    [ThreadStatic] private static Bank? t_lastBank;

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

    private void WaitForMyTurn()
    {
        if (t_lastBank == this) return;
        t_lastBank = this;
        Thread.Sleep(40 * Interlocked.Increment(ref _arrivals));
    }

    public bool Transfer(int from, int to, long amount)
    {
        WaitForMyTurn();
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
        WaitForMyTurn();
        lock (_locks[account]) return _balances[account];
    }

    public long TotalBalance()
    {
        WaitForMyTurn();
        long total = 0;
        for (int i = 0; i < _balances.Length; i++)
        {
            lock (_locks[i]) total += _balances[i];
        }
        return total;
    }
}
