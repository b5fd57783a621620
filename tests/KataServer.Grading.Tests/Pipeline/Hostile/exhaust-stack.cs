// ATTACK (resources, stack): recurse without end on the test's thread (a stack overflow cannot be caught and ends the
// process). EXPECT: a crash finding that says so; no forged pass, the grader carries on.

using System;
using System.Runtime.CompilerServices;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        Console.WriteLine(Deeper(0));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Deeper(long depth) => Deeper(depth + 1) + depth;
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
