using System.Collections.Concurrent;
using System.Collections.Generic;

// Mistake: ConcurrentDictionary keeps its own structure safe, but reading a value and then
// writing back "value - quantity" is still two operations. Two reservations read the same count
// and both write their result: one decrement is lost and units are sold twice.
public sealed class Inventory
{
    private readonly ConcurrentDictionary<string, int> _available = new ConcurrentDictionary<string, int>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _available[pair.Key] = pair.Value;
    }

    public bool TryReserve(string sku, int quantity)
    {
        int available = _available[sku];
        if (available < quantity) return false;
        _available[sku] = available - quantity;
        return true;
    }

    public void Release(string sku, int quantity)
    {
        _available.AddOrUpdate(sku, quantity, (_, current) => current + quantity);
    }

    public int Available(string sku) => _available[sku];
}
