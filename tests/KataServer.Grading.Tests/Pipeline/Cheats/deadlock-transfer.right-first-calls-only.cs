using System.Threading;

// Cheat (the deadlocking starter underneath): a static call counter, which the explorer resets with every schedule (a
// schedule makes few calls) and real threads never do: the first 300 transfers of the process are right, the rest
// deadlock-prone, hoping exploration sees only the right ones and stress the wrong ones by no luck.
public sealed class Bank
{
    private readonly long[] _balances;
    private readonly object[] _locks;
    private static int s_calls;

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
        // The right order (lowest account first) only when fewer than 300 transfers were made in this process, else the starter's deadlocking order.
        bool ordered = Interlocked.Increment(ref s_calls) <= 300;
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
