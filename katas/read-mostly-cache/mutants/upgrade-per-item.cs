using System.Collections.Generic;
using System.Threading;

// Mistake: SetPrices holds an upgradeable read lock for the whole batch ("so no other writer gets
// in") but upgrades to the write lock only around each item. Each time the write lock is released
// between two items, waiting readers get in and see half the batch.
public sealed class PriceBook
{
    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

    public bool TryGetPrice(string sku, out decimal price)
    {
        _lock.EnterReadLock();
        try { return _prices.TryGetValue(sku, out price); }
        finally { _lock.ExitReadLock(); }
    }

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        _lock.EnterUpgradeableReadLock();
        try
        {
            foreach (var pair in prices)
            {
                if (_prices.TryGetValue(pair.Key, out decimal old) && old == pair.Value) continue;
                _lock.EnterWriteLock();
                try { _prices[pair.Key] = pair.Value; }
                finally { _lock.ExitWriteLock(); }
            }
        }
        finally { _lock.ExitUpgradeableReadLock(); }
    }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _prices.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }
}
