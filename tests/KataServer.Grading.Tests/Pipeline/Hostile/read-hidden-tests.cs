// ATTACK (hidden tests and reference): find the hidden tests' or the reference's assembly by any path the process
// can name - /proc/self/maps (a file loaded from a path is mapped), /proc/self/fd, the command line, the environment,
// the working folder, every loaded assembly's Location and what sits beside it - and read every such file looking for
// the tests' type name (this file itself has it, and it is copied beside the runner in the test build).
// EXPECT: the runner loaded them from memory (no path, no mapping, no descriptor), nothing found, never passed.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        var report = new StringBuilder();
        var candidates = new HashSet<string>();
        int maps = 0, fds = 0;
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/maps"))
            {
                maps++;
                var slash = line.IndexOf('/');
                if (slash >= 0) candidates.Add(line.Substring(slash));
            }
        }
        catch (Exception e) { report.Append("NO maps ").Append(e.GetType().Name).Append('\n'); }
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                fds++;
                try { if (new FileInfo(fd).LinkTarget is { } target) { candidates.Add(target); report.Append("FD ").Append(fd).Append(" -> ").Append(target).Append('\n'); } } catch (Exception) { }
                candidates.Add(fd);
            }
        }
        catch (Exception e) { report.Append("NO fds ").Append(e.GetType().Name).Append('\n'); }
        try { report.Append("CMDLINE ").Append(File.ReadAllText("/proc/self/cmdline").Replace('\0', ' ')).Append('\n'); } catch (Exception) { }
        foreach (var arg in Environment.GetCommandLineArgs()) candidates.Add(arg);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) candidates.Add(e.Value?.ToString() ?? "");
        try { foreach (var f in Directory.EnumerateFileSystemEntries(Environment.CurrentDirectory, "*", SearchOption.AllDirectories)) candidates.Add(f); } catch (Exception) { }
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            var name = assembly.GetName().Name ?? "";
            if (name.StartsWith("System") || name.StartsWith("Microsoft") || name == "mscorlib" || name == "netstandard") continue;
            string location;
            try { location = assembly.Location; } catch (Exception) { location = "?"; }
            report.Append("ASSEMBLY ").Append(name).Append(" location='").Append(location).Append("'\n");
            candidates.Add(location);
            // Whatever sits beside the runner: a packed `kata` tool ships the katas (tests, reference) there.
            try
            {
                if (location.StartsWith("/"))
                    foreach (var f in Directory.EnumerateFiles(Path.GetDirectoryName(location)!, "*", SearchOption.AllDirectories)) candidates.Add(f);
            }
            catch (Exception) { }
        }

        var needle = Encoding.UTF8.GetBytes("BankTests");
        int read = 0;
        foreach (var path in candidates.Where(p => p.StartsWith("/")))
        {
            if (path.StartsWith("/proc/self/fd/0") || path.StartsWith("/proc/self/fd/1") || path.StartsWith("/proc/self/fd/2")) continue;
            try
            {
                if (Directory.Exists(path)) continue;
                using var stream = File.OpenRead(path);
                var buffer = new byte[Math.Min(stream.Length > 0 ? stream.Length : 1 << 20, 64L << 20)];
                var n = stream.Read(buffer, 0, buffer.Length);
                read++;
                if (buffer.AsSpan(0, n).IndexOf(needle) >= 0) report.Append("FOUND-TESTS ").Append(path).Append('\n');
            }
            catch (Exception) { }
        }
        report.Append("LOOKED maps=").Append(maps).Append(" fds=").Append(fds).Append(" read=").Append(read).Append('\n');
        Console.Write(report.ToString());
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
