using System;

// Mistake: every philosopher picks up the left fork, then the right one. When all of them pick
// up their left fork at the same moment, every right fork is in a neighbour's hand: each waits
// for the next one around the table, forever.
public sealed class DiningTable
{
    private readonly object[] _forks;

    public DiningTable(int seats)
    {
        _forks = new object[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new object();
    }

    public void Eat(int philosopher, Action meal)
    {
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
