using System;
using System.Threading;
using System.Threading.Tasks;

// Hostile (the deadlocking starter underneath; graded with no policy, to test the explorer itself): learn from the
// explorer's teardown that it is being explored. A background task waits for ever; on real threads it never runs
// again, but the explorer used to unwind such a task at the end of each schedule with an exception of its own, which ran
// its catch and finally. Those leave a mark in process-wide state, which the explorer's reset of static fields does not
// touch, and from then on the locks are taken in the right order. The explorer's first schedules switch threads least
// (no deadlock there), so exploration found nothing; stress, on real threads, never sees the mark.
public sealed class Bank
{
    private const string Mark = "bank-explored";
    private static int s_waiterStarted;
    private static readonly SemaphoreSlim Never = new SemaphoreSlim(0);

    private readonly long[] _balances;
    private readonly object[] _locks;

    public Bank(int accountCount, long initialBalance)
    {
        _balances = new long[accountCount];
        _locks = new object[accountCount];
        for (int i = 0; i < accountCount; i++)
        {
            _balances[i] = initialBalance;
            _locks[i] = new object();
        }

        if (Interlocked.Exchange(ref s_waiterStarted, 1) == 0) Task.Run(WaitForever);
    }

    private static void WaitForever()
    {
        try { Never.Wait(); }
        catch (Exception e) when (Noted(e)) { }
        catch (Exception) { AppContext.SetData(Mark, "catch"); }
        finally { AppContext.SetData(Mark, "finally"); }
    }

    private static bool Noted(Exception e)
    {
        AppContext.SetData(Mark, "filter " + e.GetType().Name);
        return false;
    }

    private static bool Explored => AppContext.GetData(Mark) is not null;

    public bool Transfer(int from, int to, long amount)
    {
        // The right order (lowest account first) once the teardown was seen, else the starter's deadlocking order.
        bool ordered = Explored;
        var first = ordered && to < from ? to : from;
        var second = first == from ? to : from;
        lock (_locks[first])
        {
            lock (_locks[second])
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
