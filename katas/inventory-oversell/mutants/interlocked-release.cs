using System.Collections.Generic;
using System.Threading;

// Mistake: TryReserve is a plain read-check-write under a per-SKU lock, and Release uses
// Interlocked.Add without that lock ("Interlocked is atomic, so it is safe"). But the locked
// write in TryReserve does not know about the Interlocked.Add: a Release that lands between its
// read and its write is overwritten, and the returned units are lost for good.
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
        lock (counter)
        {
            int available = counter.Available;
            if (available < quantity) return false;
            counter.Available = available - quantity;
            return true;
        }
    }

    public void Release(string sku, int quantity)
    {
        Interlocked.Add(ref _counters[sku].Available, quantity);
    }

    public int Available(string sku) => Volatile.Read(ref _counters[sku].Available);
}
