using System;
using System.Collections.Concurrent;

// Mistake: each key has an entry with its own lock, and Invalidate removes the whole entry. A
// Get that arrives while a load is still running under the old entry's lock creates a fresh
// entry with a fresh lock, and starts a second load of the same key at the same time.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private sealed class Entry
    {
        public readonly object Gate = new object();
        public bool HasValue;
        public TValue Value = default!;
    }

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new ConcurrentDictionary<TKey, Entry>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key)
    {
        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry.Gate)
        {
            if (!entry.HasValue)
            {
                entry.Value = _load(key);
                entry.HasValue = true;
            }
            return entry.Value;
        }
    }

    public void Invalidate(TKey key) => _entries.TryRemove(key, out _);
}
