using System;
using System.Collections.Concurrent;

// Mistake: ConcurrentDictionary.GetOrAdd(key, factory) is thread-safe, but it does not promise
// to call the factory once: when several threads miss the same key at once, each may run the
// factory, and all but one result are thrown away. The expensive load runs several times.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _values = new ConcurrentDictionary<TKey, TValue>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key) => _values.GetOrAdd(key, _load);

    public void Invalidate(TKey key) => _values.TryRemove(key, out _);
}
