using System.Collections.Generic;
using System.Threading;

// Mistake: copy-on-write done half right. Readers read an immutable snapshot with no lock at all
// (good), and SetPrices builds a new dictionary (old prices + batch) and publishes it with one
// write (good). But writers do not take turns: two batches copy the same old book, and the
// second one to publish throws the first one away.
public sealed class PriceBook
{
    private Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

    public bool TryGetPrice(string sku, out decimal price) => Volatile.Read(ref _prices).TryGetValue(sku, out price);

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        var next = new Dictionary<string, decimal>(Volatile.Read(ref _prices));
        foreach (var pair in prices) next[pair.Key] = pair.Value;
        Volatile.Write(ref _prices, next);
    }

    public int Count => Volatile.Read(ref _prices).Count;
}
