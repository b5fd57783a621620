// ATTACK (resources, output): write hundreds of megabytes to standard output and standard error from several threads,
// to fill the grader's memory or disk, or drown the report. EXPECT: output kept to its limit, the run stopped, a clear
// verdict; never passed.

using System;
using System.Threading;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (Interlocked.Exchange(ref done, 1) != 0) return;
        var line = new string('x', 1 << 16);
        for (int t = 0; t < 4; t++)
        {
            int id = t;
            new Thread(() =>
            {
                for (int i = 0; i < 10_000; i++)
                {
                    if (id % 2 == 0) Console.Out.WriteLine(line); else Console.Error.WriteLine(line);
                }
            }) { IsBackground = true }.Start();
        }
        Thread.Sleep(2000);
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
