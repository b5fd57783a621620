// ATTACK (test infrastructure state): switch off the explorer's shared-memory observer and replace the concurrency
// driver with a fresh instance, by reflection, so the explorer sees fewer races (the lock-source-only mutant passed this
// way). EXPECT: the runner notices its infrastructure changed (integrity), never passed.

using System;
using System.Linq;
using System.Reflection;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            var hooks = assembly.GetType("KataServer.Scheduling.Interception.SharedMemoryHooks");
            hooks?.GetProperty("Observer")?.SetValue(null, null);
            var concurrent = assembly.GetType("KataServer.Testing.Concurrent");
            var driver = concurrent?.GetProperty("Driver");
            if (driver?.GetValue(null) is { } current && current.GetType().GetConstructor(Type.EmptyTypes) is { } ctor)
            {
                try { driver.SetValue(null, ctor.Invoke(null)); } catch (Exception) { }
            }
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
