// Mistake: a waiter's table (Tanenbaum style): one monitor guards who is eating, a philosopher
// waits while a neighbour eats, and the meal runs outside the monitor. But a finisher wakes the
// waiters with Monitor.Pulse (one) instead of PulseAll. Philosopher 0 eats while 1 and 3 wait (4
// seats); when 0 is done, only 1 is woken. 3's forks (3 and 0) are needed by no other hungry
// philosopher, yet 3 sleeps through 1's whole meal, and if that meal waits for 3 to be eating,
// the table hangs.
using System;
using System.Threading;

public sealed class DiningTable
{
    private readonly object _table = new object();
    private readonly bool[] _eating;

    public DiningTable(int seats)
    {
        _eating = new bool[seats];
    }

    public void Eat(int philosopher, Action meal)
    {
        int n = _eating.Length;
        int leftNeighbour = (philosopher + n - 1) % n;
        int rightNeighbour = (philosopher + 1) % n;
        lock (_table)
        {
            while (_eating[leftNeighbour] || _eating[rightNeighbour]) Monitor.Wait(_table);
            _eating[philosopher] = true;
        }
        try
        {
            meal();
        }
        finally
        {
            lock (_table)
            {
                _eating[philosopher] = false;
                Monitor.Pulse(_table); // someone may be waiting for our forks
            }
        }
    }
}
