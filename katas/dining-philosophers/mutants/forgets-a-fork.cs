using System;
using System.Threading;

// Mistake: forks are semaphores taken in a global order (no deadlock there), but after the meal
// only the second fork is put back. The first stays taken forever: the next philosopher who
// needs it waits for a Release that never comes.
public sealed class DiningTable
{
    private readonly SemaphoreSlim[] _forks;

    public DiningTable(int seats)
    {
        _forks = new SemaphoreSlim[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new SemaphoreSlim(1, 1);
    }

    public void Eat(int philosopher, Action meal)
    {
        int left = philosopher;
        int right = (philosopher + 1) % _forks.Length;
        SemaphoreSlim first = _forks[Math.Min(left, right)];
        SemaphoreSlim second = _forks[Math.Max(left, right)];
        first.Wait();
        second.Wait();
        try
        {
            meal();
        }
        finally
        {
            second.Release();
        }
    }
}
