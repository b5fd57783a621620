using System.Collections.Generic;
using System.Threading;

// Reference: a ReaderWriterLockSlim (no recursion). Readers share the read lock, so they run side
// by side; SetPrices holds the write lock from the first item of the batch to the last, so no
// reader ever sees half a batch and two batches never mix. Every lock is released in finally, and
// no public method is called while a lock is held (the lock is not recursive).
public sealed class PriceBook
{
    private readonly ReaderWriterLockSlim _lock = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, decimal> _prices = new Dictionary<string, decimal>();

    public bool TryGetPrice(string sku, out decimal price)
    {
        _lock.EnterReadLock();
        try
        {
            return _prices.TryGetValue(sku, out price);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void SetPrices(IReadOnlyDictionary<string, decimal> prices)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var pair in prices) _prices[pair.Key] = pair.Value;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _prices.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }
}
