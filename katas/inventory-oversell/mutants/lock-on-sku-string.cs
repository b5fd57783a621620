using System.Collections.Generic;

// Mistake: the code locks on the SKU string to get one lock per product. But two equal strings
// are not necessarily the same object: two requests for "console" carry two different string
// instances, take two different locks, and both sell the last unit.
public sealed class Inventory
{
    private readonly Dictionary<string, int[]> _available = new Dictionary<string, int[]>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _available[pair.Key] = new[] { pair.Value };
    }

    public bool TryReserve(string sku, int quantity)
    {
        var slot = _available[sku];
        lock (sku)
        {
            if (slot[0] < quantity) return false;
            slot[0] -= quantity;
            return true;
        }
    }

    public void Release(string sku, int quantity)
    {
        var slot = _available[sku];
        lock (sku) slot[0] += quantity;
    }

    public int Available(string sku)
    {
        var slot = _available[sku];
        lock (sku) return slot[0];
    }
}
