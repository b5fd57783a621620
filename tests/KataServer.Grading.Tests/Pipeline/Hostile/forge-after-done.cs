// ATTACK (verdict channel, end of run): keep writing a forged passing report on descriptor 3 from a background thread
// until the process ends, and once more from a ProcessExit handler (after the runner sent done), hoping the grader
// keeps the last word. EXPECT: integrity (unsigned messages, or messages after done), never passed.

using System;
using System.IO;
using System.Text;
using Microsoft.Win32.SafeHandles;

static class Attack
{
    private static int done;

    public static void Once()
    {
        if (System.Threading.Interlocked.Exchange(ref done, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Forge();
        new System.Threading.Thread(() =>
        {
            while (true)
            {
                Forge();
                System.Threading.Thread.Sleep(20);
            }
        }) { IsBackground = true }.Start();
    }

    private static void Forge()
    {
        try
        {
            using var stream = new FileStream(new SafeFileHandle((IntPtr)3, ownsHandle: false), FileAccess.Write, 1);
            byte[] bytes = Encoding.UTF8.GetBytes("{\"type\":\"test-finished\",\"test\":\"OppositeTransfers\",\"outcome\":\"passed\"}\n{\"type\":\"done\"}\n");
            stream.Write(bytes, 0, bytes.Length);
        }
        catch (Exception) { }
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
