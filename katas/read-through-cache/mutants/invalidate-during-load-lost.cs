using System;
using System.Collections.Concurrent;
using System.Threading;

// Mistake: Invalidate clears the value without taking the key's lock. Invalidate called while a
// load is running clears nothing (no value yet); then the load publishes what it read before the
// invalidation, and every later Get returns that stale value instead of loading again.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private sealed class Loaded
    {
        public readonly TValue Value;

        public Loaded(TValue value) => Value = value;
    }

    private sealed class Entry
    {
        public readonly object Gate = new object();
        public Loaded? Current;
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
        var loaded = Volatile.Read(ref entry.Current);
        if (loaded is not null) return loaded.Value;

        lock (entry.Gate)
        {
            loaded = entry.Current;
            if (loaded is not null) return loaded.Value;
            var value = _load(key);
            Volatile.Write(ref entry.Current, new Loaded(value));
            return value;
        }
    }

    public void Invalidate(TKey key)
    {
        if (_entries.TryGetValue(key, out var entry)) Volatile.Write(ref entry.Current, null);
    }
}
