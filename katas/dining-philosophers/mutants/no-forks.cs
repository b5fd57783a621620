using System;

// Mistake: "the forks are just bookkeeping": the meal runs without picking up any fork, so two
// neighbours eat with the same fork at the same time.
public sealed class DiningTable
{
    private readonly int _seats;

    public DiningTable(int seats)
    {
        _seats = seats;
    }

    public void Eat(int philosopher, Action meal)
    {
        meal();
    }
}
