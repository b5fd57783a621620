using System;
using System.Threading;

// Mistake: the forks are taken in a global order (no circular wait), but they are put back after
// the meal without a finally block. A meal that throws leaves both forks held by a philosopher
// who has left the table: the neighbours wait for them forever.
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
        int left = philosopher;
        int right = (philosopher + 1) % _forks.Length;
        object first = _forks[Math.Min(left, right)];
        object second = _forks[Math.Max(left, right)];
        Monitor.Enter(first);
        Monitor.Enter(second);
        meal();
        Monitor.Exit(second);
        Monitor.Exit(first);
    }
}
