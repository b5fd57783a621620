using System;

// Reference: one lock per fork, and a global order on the forks (lowest number first). A deadlock
// needs a circle of philosophers each holding one fork and waiting for the next; with a global
// order, the philosopher who holds the highest-numbered fork they need is never waiting for a
// lower one, so no circle can close. `lock` gives the forks back even when the meal throws.
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
        lock (first)
        {
            lock (second)
            {
                meal();
            }
        }
    }
}
