using System;
using System.Collections.Generic;

// A first try: a plain dictionary in front of the loader. Correct on one thread. With many
// threads the dictionary itself can be corrupted, and a burst of Gets for a missing key calls
// the (slow, expensive) loader once per caller.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new Dictionary<TKey, TValue>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key)
    {
        if (_values.TryGetValue(key, out var value)) return value;
        value = _load(key);
        _values[key] = value;
        return value;
    }

    public void Invalidate(TKey key)
    {
        _values.Remove(key);
    }
}
