using System.Collections.Generic;

// The shop's stock, one counter per SKU. Correct when one customer shops at a time;
// in a flash sale, thousands do.
public sealed class Inventory
{
    private readonly Dictionary<string, int> _available = new Dictionary<string, int>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _available[pair.Key] = pair.Value;
    }

    public bool TryReserve(string sku, int quantity)
    {
        if (_available[sku] < quantity) return false;
        _available[sku] -= quantity;
        return true;
    }

    public void Release(string sku, int quantity)
    {
        _available[sku] += quantity;
    }

    public int Available(string sku) => _available[sku];
}
