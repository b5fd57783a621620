using System;
using System.Threading;

// Mistake: a butler (a semaphore) decides how many philosophers may try to eat at once, but it
// was given one permit per seat, so everybody gets in: left-then-right can still close the circle.
public sealed class DiningTable
{
    private readonly object[] _forks;
    private readonly SemaphoreSlim _butler;

    public DiningTable(int seats)
    {
        _forks = new object[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new object();
        _butler = new SemaphoreSlim(seats, seats);
    }

    public void Eat(int philosopher, Action meal)
    {
        object left = _forks[philosopher];
        object right = _forks[(philosopher + 1) % _forks.Length];
        _butler.Wait();
        try
        {
            lock (left)
            {
                lock (right)
                {
                    meal();
                }
            }
        }
        finally
        {
            _butler.Release();
        }
    }
}
