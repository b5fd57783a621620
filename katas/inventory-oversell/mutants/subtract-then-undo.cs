// Kata: inventory-oversell
// Bug: TryReserve takes the units first (Interlocked.Add(-quantity)) and gives them back if the
//      count went negative. While such an overdraft is being undone, the count is lower than the
//      real stock, so a concurrent TryReserve that asks for units that ARE available fails, and
//      Available (clamped to hide the negative) reports fewer units than are left.
// Interleaving: "tv" stock 4, shopper A holds 2 (2 available). B: TryReserve(tv, 3) -> count -1
//      (will undo). C: TryReserve(tv, 2) -> count -3 -> refused, undoes -> -1. B undoes -> 2.
//      C was refused although 2 units were available the whole time and B never reserved
//      anything ("all or nothing: false only when fewer are available", "reserving exactly what
//      is left succeeds" both broken).
using System;
using System.Collections.Generic;
using System.Threading;

public sealed class Inventory
{
    private sealed class Counter
    {
        public int Available;
    }

    private readonly Dictionary<string, Counter> _counters = new Dictionary<string, Counter>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _counters[pair.Key] = new Counter { Available = pair.Value };
    }

    public bool TryReserve(string sku, int quantity)
    {
        var counter = _counters[sku];
        // One atomic step instead of a CAS loop: take the units, and put them back if there were
        // not enough.
        if (Interlocked.Add(ref counter.Available, -quantity) >= 0) return true;
        Interlocked.Add(ref counter.Available, quantity);
        return false;
    }

    public void Release(string sku, int quantity)
    {
        Interlocked.Add(ref _counters[sku].Available, quantity);
    }

    // A refused reservation is undone a moment later: never show the transient negative.
    public int Available(string sku) => Math.Max(0, Volatile.Read(ref _counters[sku].Available));
}
