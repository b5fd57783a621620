// ATTACK (resources, threads): start threads that never end until the runtime cannot make more, swallowing every
// failure, then carry on. EXPECT: the run hits its thread limit and ends with a clear verdict (no grader crash, no
// forged pass); nothing is left running on the host.

using System;
using System.Threading;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (Interlocked.Exchange(ref done, 1) != 0) return;
        int started = 0;
        for (int i = 0; i < 100_000; i++)
        {
            try
            {
                new Thread(() => Thread.Sleep(Timeout.Infinite)) { IsBackground = false }.Start();
                started++;
            }
            catch (Exception) { }
        }
        Console.WriteLine("started " + started + " threads");
    }
}

public sealed class Bank
{
    private readonly long[] _balances;
    private readonly object[] _locks;

    public Bank(int accountCount, long initialBalance)
    {
        Attack.Once();
        _balances = new long[accountCount];
        _locks = new object[accountCount];
        for (int i = 0; i < accountCount; i++)
        {
            _balances[i] = initialBalance;
            _locks[i] = new object();
        }
    }

    // The deadlocking starter: any pass is a forged pass.
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
        long total = 0;
        for (int i = 0; i < _balances.Length; i++)
        {
            lock (_locks[i]) total += _balances[i];
        }
        return total;
    }
}
