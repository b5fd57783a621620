using System;
using System.Collections.Generic;

// Mistake: one lock guards the dictionary and the load. Every key is loaded at most once, but a
// slow load of one key makes the Gets of every other key wait, and if the load of one key needs
// the load of another to make progress, neither ever finishes.
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
        lock (_values)
        {
            if (_values.TryGetValue(key, out var value)) return value;
            value = _load(key);
            _values[key] = value;
            return value;
        }
    }

    public void Invalidate(TKey key)
    {
        lock (_values) _values.Remove(key);
    }
}
