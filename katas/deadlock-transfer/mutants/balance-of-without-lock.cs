// Mistake: the locks are ordered and TotalBalance takes them all, but BalanceOf reads without a
// lock ("reading one long is atomic, why lock?"). An auditor reading the two accounts of a running
// transfer can see the money gone from one and not yet in the other: the transfer seen half done.
using System.Threading;

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
        int first = from < to ? from : to;
        int second = from < to ? to : from;
        lock (_locks[first])
        {
            lock (_locks[second])
            {
                long f = Volatile.Read(ref _balances[from]);
                if (f < amount) return false;
                Volatile.Write(ref _balances[from], f - amount);
                Volatile.Write(ref _balances[to], Volatile.Read(ref _balances[to]) + amount);
                return true;
            }
        }
    }

    public long BalanceOf(int account) => Volatile.Read(ref _balances[account]);

    public long TotalBalance()
    {
        int n = _locks.Length, taken = 0;
        try
        {
            for (; taken < n; taken++) Monitor.Enter(_locks[taken]);
            long total = 0;
            for (int i = 0; i < n; i++) total += _balances[i];
            return total;
        }
        finally
        {
            for (int i = 0; i < taken; i++) Monitor.Exit(_locks[i]);
        }
    }
}
