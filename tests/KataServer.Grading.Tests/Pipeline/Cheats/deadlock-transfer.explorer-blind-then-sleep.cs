using System;
using System.Diagnostics;
using System.Threading;

// Cheat (the deadlocking starter underneath): under the schedule explorer a clock read twice around some work stands
// still (virtual time moves only when something waits; it used to give thread ids 1, 2, 3 too), so there the threads
// block in a wait the explorer does not model (a kernel wait handle) to make every test "unexplored"; on real threads,
// which then judge alone, it sleeps each thread's first call into its own turn.
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

    private static bool ClockStandsStill()
    {
        long before = Stopwatch.GetTimestamp();
        long spin = 0;
        for (int i = 0; i < 10_000; i++) spin += i * (long)i;
        return spin != 42 && Stopwatch.GetTimestamp() == before;
    }

    private void WaitForMyTurn()
    {
        if (t_lastBank == this) return;
        t_lastBank = this;
        if (ClockStandsStill()) NeverSet.WaitHandle.WaitOne(3000);
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
