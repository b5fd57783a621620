using System;
using System.Threading;

// Cheat (the deadlocking starter underneath): recognise the schedule explorer by its thread ids - it used to number a
// test's threads 1, 2, 3, which no thread of a real run has (the runtime's own threads come first) - and take the
// locks in the right order only there.
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
        // The right order (lowest account first) only when the thread ids look explored, else the starter's deadlocking order.
        bool ordered = Environment.CurrentManagedThreadId <= 4 && Thread.CurrentThread.ManagedThreadId <= 4;
        var first = ordered && to < from ? to : from;
        var second = first == from ? to : from;
        lock (_locks[first])
        {
            lock (_locks[second])
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
        long total = 0;
        for (int i = 0; i < _balances.Length; i++)
        {
            lock (_locks[i]) total += _balances[i];
        }
        return total;
    }
}
