using System.Collections.Generic;
using System.Threading;

// Mistake: "reads don't change anything, so they need no lock". Writers take the write lock, but
// a reader that never takes the read lock is not kept out: it reads while a batch is half written.
public sealed class PriceBook
{
    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

    public bool TryGetPrice(string sku, out decimal price) => _prices.TryGetValue(sku, out price);

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var pair in prices) _prices[pair.Key] = pair.Value;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int Count => _prices.Count;
}
