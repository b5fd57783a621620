// ATTACK (resources, memory): allocate managed memory until the runtime refuses, keep it, then allocate and touch
// native memory without end. EXPECT: the run is stopped at its memory limit (a clear verdict, not a grader crash, no
// forged pass); the host is untouched.

using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

static class Attack
{
    private static int done;
    private static readonly List<byte[]> Kept = new();

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        try
        {
            while (true)
            {
                var block = new byte[16 << 20];
                for (int i = 0; i < block.Length; i += 4096) block[i] = 1;
                Kept.Add(block);
            }
        }
        catch (OutOfMemoryException) { Console.WriteLine("managed heap full at " + Kept.Count * 16 + " MiB"); }
        while (true)
        {
            var native = Marshal.AllocHGlobal(16 << 20);
            for (int i = 0; i < 16 << 20; i += 4096) Marshal.WriteByte(native, i, 1);
        }
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
