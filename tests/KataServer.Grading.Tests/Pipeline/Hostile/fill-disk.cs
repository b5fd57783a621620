// ATTACK (host file system): leave a marker file wherever the process can write (/tmp, /var/tmp, /dev/shm, the
// working folder, home) and fill the disk with 200 MiB. EXPECT: the writable space is the sandbox's own size-limited
// tmpfs, gone after the run; no marker on the host; never passed.

using System;
using System.IO;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        string marker = "kata-hostile-fill-disk-marker";
        foreach (var dir in new[] { "/tmp", "/var/tmp", "/dev/shm", Environment.CurrentDirectory, Environment.GetEnvironmentVariable("HOME") ?? "/root", "/tmp/kataserver-jobs" })
        {
            try { File.WriteAllText(Path.Combine(dir, marker), "x"); Console.WriteLine("wrote " + dir); } catch (Exception e) { Console.WriteLine("no " + dir + " " + e.GetType().Name); }
            try
            {
                using var big = File.OpenWrite(Path.Combine(dir, marker + ".big"));
                var block = new byte[1 << 20];
                for (int i = 0; i < 200; i++) big.Write(block, 0, block.Length);
            }
            catch (Exception e) { Console.WriteLine("full " + dir + " " + e.GetType().Name); }
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
