using System;
using System.Threading;

// Resource ordering with an array of SpinLock structs (used in place, never copied).
public sealed class DiningTable
{
    private readonly SpinLock[] _forks;

    public DiningTable(int seats)
    {
        _forks = new SpinLock[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new SpinLock(enableThreadOwnerTracking: false);
    }

    public void Eat(int philosopher, Action meal)
    {
        int a = philosopher, b = (philosopher + 1) % _forks.Length;
        if (a > b) (a, b) = (b, a);
        bool first = false, second = false;
        try
        {
            _forks[a].Enter(ref first);
            _forks[b].Enter(ref second);
            meal();
        }
        finally
        {
            if (second) _forks[b].Exit();
            if (first) _forks[a].Exit();
        }
    }
}
