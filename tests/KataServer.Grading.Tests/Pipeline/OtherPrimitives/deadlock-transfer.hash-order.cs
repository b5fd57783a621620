using System.Runtime.CompilerServices;
using System.Threading;

// Goetz's idiom: accounts are objects, locks are taken in the order of their identity hash codes,
// and the rare tie is broken by a process-wide tie lock taken first.
public sealed class Bank
{
    private sealed class Account
    {
        public long Balance;
    }

    private static readonly object s_tieLock = new object();
    private readonly Account[] _accounts;

    public Bank(int accountCount, long initialBalance)
    {
        _accounts = new Account[accountCount];
        for (int i = 0; i < accountCount; i++) _accounts[i] = new Account { Balance = initialBalance };
    }

    public bool Transfer(int from, int to, long amount)
    {
        Account a = _accounts[from], b = _accounts[to];
        if (a == b)
        {
            lock (a) return a.Balance >= amount;
        }

        int ha = RuntimeHelpers.GetHashCode(a), hb = b.GetHashCode();
        if (ha < hb) { lock (a) lock (b) return Move(a, b, amount); }
        if (hb < ha) { lock (b) lock (a) return Move(a, b, amount); }
        lock (s_tieLock) lock (a) lock (b) return Move(a, b, amount);
    }

    private static bool Move(Account from, Account to, long amount)
    {
        if (from.Balance < amount) return false;
        from.Balance -= amount;
        to.Balance += amount;
        return true;
    }

    public long BalanceOf(int account)
    {
        var a = _accounts[account];
        lock (a) return a.Balance;
    }

    public long TotalBalance()
    {
        var ordered = (Account[])_accounts.Clone();
        System.Array.Sort(ordered, (x, y) => RuntimeHelpers.GetHashCode(x).CompareTo(RuntimeHelpers.GetHashCode(y)));
        lock (s_tieLock)
        {
            int taken = 0;
            try
            {
                for (; taken < ordered.Length; taken++) Monitor.Enter(ordered[taken]);
                long total = 0;
                foreach (var a in ordered) total += a.Balance;
                return total;
            }
            finally
            {
                while (taken > 0) Monitor.Exit(ordered[--taken]);
            }
        }
    }
}
