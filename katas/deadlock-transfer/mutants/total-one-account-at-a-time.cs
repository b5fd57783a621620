// Mistake: transfers are correct (ordered locks), but TotalBalance adds the accounts up one lock
// at a time. A transfer that runs between two of those reads is seen half done: the money is
// counted twice or not at all, so the snapshot is not consistent.
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
        long total = 0;
        for (int i = 0; i < _balances.Length; i++) total += BalanceOf(i);
        return total;
    }
}
