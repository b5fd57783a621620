using System.Collections.Generic;
using System.Threading;

// Mistake: SetPrices checks the new size through the public Count while it still holds the write
// lock. Count takes the read lock, and a ReaderWriterLockSlim does not allow recursion by default:
// every batch throws LockRecursionException.
public sealed class PriceBook
{
    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim();
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();
    private int _largest;

    public bool TryGetPrice(string sku, out decimal price)
    {
        _lock.EnterReadLock();
        try { return _prices.TryGetValue(sku, out price); }
        finally { _lock.ExitReadLock(); }
    }

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var pair in prices) _prices[pair.Key] = pair.Value;
            if (Count > _largest) _largest = Count; // statistics
        }
        finally { _lock.ExitWriteLock(); }
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
