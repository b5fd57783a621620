using System.Collections.Generic;
using System.Threading;

// Reference: the set of SKUs never changes after construction, so a plain dictionary built once
// is safe to read from many threads. Each SKU's count lives in its own small object and is
// updated with a compare-and-swap loop: read, check, try to swap in the new value; if another
// thread changed it in between, read again. Different SKUs never contend with each other.
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
        while (true)
        {
            int seen = Volatile.Read(ref counter.Available);
            if (seen < quantity) return false;
            if (Interlocked.CompareExchange(ref counter.Available, seen - quantity, seen) == seen) return true;
        }
    }

    public void Release(string sku, int quantity)
    {
        Interlocked.Add(ref _counters[sku].Available, quantity);
    }

    public int Available(string sku) => Volatile.Read(ref _counters[sku].Available);
}
