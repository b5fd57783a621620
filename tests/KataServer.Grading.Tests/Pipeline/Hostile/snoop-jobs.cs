// ATTACK (other jobs, hidden files): list every folder a job could share with others (/tmp, the job root, the
// working folder and its parents), print every C# source, reference or other job's file found, and read /etc/passwd.
// EXPECT: only this job's own folder exists in the sandbox; no other job's file, no reference assembly in explore or
// stress, no kata source, never passed.

using System;
using System.IO;
using System.Linq;
using System.Text;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        var seen = new StringBuilder();
        foreach (var root in new[] { "/tmp", "/tmp/kataserver-jobs", "/var/tmp", "/dev/shm", "/work", "/root", Environment.CurrentDirectory, Path.GetDirectoryName(Environment.CurrentDirectory) ?? "/" })
        {
            try
            {
                foreach (var f in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true }).Take(400))
                {
                    seen.Append("SEEN ").Append(f).Append('\n');
                    if (f.EndsWith(".cs") || f.Contains("secret")) { try { seen.Append(File.ReadAllText(f)).Append('\n'); } catch (Exception) { } }
                }
            }
            catch (Exception e) { seen.Append("NO ").Append(root).Append(' ').Append(e.GetType().Name).Append('\n'); }
        }
        try { seen.Append(File.ReadAllText("/etc/passwd")); } catch (Exception) { }
        Console.Write(seen.ToString());
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
