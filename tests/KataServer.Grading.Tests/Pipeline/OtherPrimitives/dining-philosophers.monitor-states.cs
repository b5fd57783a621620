using System;
using System.Threading;

// Correct alternative (Dijkstra's states): one monitor guards who is eating. A philosopher waits
// while either neighbour is eating, then marks itself eating, leaves the monitor and eats; when
// done (even if the meal throws) it clears its mark and wakes the waiters. Forks are implicit:
// nobody eats next to an eating neighbour, and a philosopher never holds anything while waiting,
// so there is no circular wait.
public sealed class DiningTable
{
    private readonly object _monitor = new object();
    private readonly bool[] _eating;

    public DiningTable(int seats)
    {
        _eating = new bool[seats];
    }

    public void Eat(int philosopher, Action meal)
    {
        int n = _eating.Length;
        int left = (philosopher + n - 1) % n;
        int right = (philosopher + 1) % n;
        lock (_monitor)
        {
            while (_eating[left] || _eating[right]) Monitor.Wait(_monitor);
            _eating[philosopher] = true;
        }
        try
        {
            meal();
        }
        finally
        {
            lock (_monitor)
            {
                _eating[philosopher] = false;
                Monitor.PulseAll(_monitor);
            }
        }
    }
}
