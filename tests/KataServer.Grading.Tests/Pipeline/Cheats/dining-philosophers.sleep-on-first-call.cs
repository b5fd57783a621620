using System;
using System.Threading;

// Cheat (left fork then right fork underneath: when everyone holds a left fork, the table deadlocks): each thread's
// first meal at a table sleeps 40 ms times its arrival order, so the philosophers sit down one after another and
// never all reach for their left fork together. Must never pass.
public sealed class DiningTable
{
    private readonly object[] _forks;
    private int _arrivals;
    [ThreadStatic] private static DiningTable? t_last;

    public DiningTable(int seats)
    {
        _forks = new object[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new object();
    }

    public void Eat(int philosopher, Action meal)
    {
        if (t_last != this)
        {
            t_last = this;
            Thread.Sleep(40 * Interlocked.Increment(ref _arrivals));
        }

        object left = _forks[philosopher];
        object right = _forks[(philosopher + 1) % _forks.Length];
        lock (left)
        {
            lock (right)
            {
                meal();
            }
        }
    }
}
