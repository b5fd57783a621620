using System;
using System.Collections.Concurrent;
using System.Threading;

// Reference: one entry per key, created once and never removed, each with its own lock.
// - A hit reads the entry's published value without locking.
// - A miss takes only that key's lock, checks again, and loads: so concurrent Gets of one key
//   load once, and loads of different keys never wait for each other.
// - A load that throws publishes nothing: the next Get tries again.
// - Invalidate clears the value under the key's lock; because the entry (and its lock) stays,
//   a load started after an Invalidate still cannot overlap one that is running.
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
        if (!_entries.TryGetValue(key, out var entry)) return;
        lock (entry.Gate) Volatile.Write(ref entry.Current, null);
    }
}
