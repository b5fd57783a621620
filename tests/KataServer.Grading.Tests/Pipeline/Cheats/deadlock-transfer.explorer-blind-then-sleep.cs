using System;
using System.Threading;

// Cheat (the deadlocking starter underneath): every thread's first call touches a wait the explorer does not model (a
// kernel wait handle, for a millisecond) to make every test "unexplored", then sleeps into its own turn on real
// threads, which then judge alone. (It used to touch the handle only where a clock read twice around some work stood
// still, or thread ids were 1, 2, 3: the explorer's tells, now gone; it needs none.)
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

    private static readonly ManualResetEventSlim NeverSet = new ManualResetEventSlim(false);

    private void WaitForMyTurn()
    {
        if (t_lastBank == this) return;
        t_lastBank = this;
        NeverSet.WaitHandle.WaitOne(1);
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
