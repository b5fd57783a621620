using System;

// Mistake: one lock for the whole table. It can never deadlock, but only one philosopher eats at
// a time, even two sitting across the table who share no fork: when one waits for the other to
// be eating too, it waits forever.
public sealed class DiningTable
{
    private readonly object _table = new object();

    public DiningTable(int seats)
    {
    }

    public void Eat(int philosopher, Action meal)
    {
        lock (_table)
        {
            meal();
        }
    }
}
