using System;

// A round table: one lock per fork, fork p between philosopher p and p + 1.
// Every philosopher picks up the left fork, then the right one. Most of the time it works...
// until everybody is holding a left fork at once.
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
