using System.Collections.Generic;

// Mistake: "is there enough?" and "take it" are two separate locked steps. Two customers both
// see the last unit available, then both take it: the SKU is oversold.
public sealed class Inventory
{
    private readonly object _gate = new object();
    private readonly Dictionary<string, int> _available = new Dictionary<string, int>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _available[pair.Key] = pair.Value;
    }

    public bool TryReserve(string sku, int quantity)
    {
        if (Available(sku) < quantity) return false;
        lock (_gate)
        {
            _available[sku] -= quantity;
        }
        return true;
    }

    public void Release(string sku, int quantity)
    {
        lock (_gate) _available[sku] += quantity;
    }

    public int Available(string sku)
    {
        lock (_gate) return _available[sku];
    }
}
