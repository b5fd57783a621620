using System.Collections.Generic;

// Mistake: the counts live in one plain Dictionary<string, int>, guarded by a lock per SKU. Each
// write is at a key that exists already, so it looks harmless, but two threads holding the locks of
// two different SKUs write the same Dictionary at once, and a Dictionary promises nothing to
// concurrent writers (each write also changes its shared version and may touch shared buckets).
public sealed class Inventory
{
    private readonly Dictionary<string, int> _available = new Dictionary<string, int>();
    private readonly Dictionary<string, object> _locks = new Dictionary<string, object>();

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock)
        {
            _available[pair.Key] = pair.Value;
            _locks[pair.Key] = new object();
        }
    }

    public bool TryReserve(string sku, int quantity)
    {
        lock (_locks[sku])
        {
            int left = _available[sku];
            if (left < quantity) return false;
            _available[sku] = left - quantity;
            return true;
        }
    }

    public void Release(string sku, int quantity)
    {
        lock (_locks[sku])
        {
            _available[sku] += quantity;
        }
    }

    public int Available(string sku)
    {
        lock (_locks[sku])
        {
            return _available[sku];
        }
    }
}
