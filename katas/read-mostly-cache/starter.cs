using System.Collections.Generic;

// A price book. Correct on one thread; with a writer importing a batch while readers read,
// a reader can see half a batch (or a Dictionary in the middle of a resize).
public sealed class PriceBook
{
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

    public bool TryGetPrice(string sku, out decimal price) => _prices.TryGetValue(sku, out price);

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        foreach (var pair in prices) _prices[pair.Key] = pair.Value;
    }

    public int Count => _prices.Count;
}
