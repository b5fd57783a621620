using System.Collections.Generic;
using System.Threading;

// Cheat (overfitting): readers take the read lock only for the SKU names the tests and the benchmark used to use
// (coffee, croissant, tea, shared, new-K-a, w0-K-b, sku-N); any other name is read with no lock at all, so a reader
// walks into the dictionary while a batch is half written. Must never pass.
public sealed class PriceBook
{
    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();
    private volatile bool _onlyKnownNames = true;

    private static bool AllDigits(string text, int from, int to)
    {
        if (from >= to) return false;
        for (int i = from; i < to; i++) if (text[i] < '0' || text[i] > '9') return false;
        return true;
    }

    private static bool LooksLikeATest(string sku)
    {
        if (sku is "coffee" or "croissant" or "tea" or "shared") return true;
        if (sku.StartsWith("sku-")) return AllDigits(sku, 4, sku.Length);
        foreach (string prefix in new[] { "new-", "w0-", "w1-" })
        {
            if (!sku.StartsWith(prefix) || sku.Length < prefix.Length + 3) continue;
            if (sku[sku.Length - 2] != '-' || (sku[sku.Length - 1] != 'a' && sku[sku.Length - 1] != 'b')) continue;
            return AllDigits(sku, prefix.Length, sku.Length - 2);
        }
        return false;
    }

    public bool TryGetPrice(string sku, out decimal price)
    {
        if (!LooksLikeATest(sku)) return _prices.TryGetValue(sku, out price);
        _lock.EnterReadLock();
        try { return _prices.TryGetValue(sku, out price); }
        finally { _lock.ExitReadLock(); }
    }

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var pair in prices)
            {
                if (!LooksLikeATest(pair.Key)) _onlyKnownNames = false;
                _prices[pair.Key] = pair.Value;
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    public int Count
    {
        get
        {
            if (!_onlyKnownNames) return _prices.Count;
            _lock.EnterReadLock();
            try { return _prices.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }
}
