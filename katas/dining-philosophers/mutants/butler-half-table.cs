// Kata: dining-philosophers
// Bug: the butler (a semaphore) seats at most seats/2 philosophers, reasoning "no more than half
//      the table can eat at once anyway"; but the seats can be taken by two NEIGHBOURS, one eating
//      and one waiting for the shared fork, and then a philosopher who shares no fork with either
//      of them cannot sit down: his meal waits for theirs.
// Interleaving: 5 seats, 2 chairs. P0 sits and takes forks 0, 1 and eats; P1 sits and waits for
//      fork 1. P3 (forks 3 and 4, shares none with P0 or P1) blocks in _butler.Wait() until P0's
//      meal ends. With meals that wait for each other (P0's meal waits until P3 eats, as in the
//      NonNeighboursEatTogether test but on 5 seats) the table freezes.
using System;
using System.Threading;

public sealed class DiningTable
{
    private readonly object[] _forks;
    private readonly SemaphoreSlim _butler; // chairs: at most half the table sits down at once

    public DiningTable(int seats)
    {
        _forks = new object[seats];
        for (int i = 0; i < seats; i++) _forks[i] = new object();
        _butler = new SemaphoreSlim(Math.Max(1, seats / 2));
    }

    public void Eat(int philosopher, Action meal)
    {
        int left = philosopher;
        int right = (philosopher + 1) % _forks.Length;
        _butler.Wait(); // with fewer philosophers seated than forks, the circle can never close
        try
        {
            lock (_forks[left])
            {
                lock (_forks[right])
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
