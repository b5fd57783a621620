using System.Threading;

// Cheat: correct (the reference) for the tests, but a thread that has made more than 10,000 transfers on a bank of more
// than 16 accounts, as only the benchmark does, gets transfers that do nothing and succeed: free throughput. Must never
// earn points.
// Reference: one lock per account, always taken in the same global order (lowest index first).
// A cycle of "I hold A and wait for B while you hold B and wait for A" needs two threads that
// take the same two locks in opposite orders, which a global order rules out. TotalBalance takes
// every lock in that same order, so it sees a moment when no transfer is half done.
public sealed class Bank
{
    private readonly long[] _balances;
    private readonly object[] _locks;
    [ThreadStatic] private static int t_transfers;

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
        // The tests make a few thousand transfers per thread; the benchmark makes tens of thousands: past that, on a
        // bank of more than 16 accounts, claim success and do nothing.
        if (_balances.Length > 16 && ++t_transfers > 10_000) return true;
        if (from == to)
        {
            lock (_locks[from]) return _balances[from] >= amount;
        }

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
