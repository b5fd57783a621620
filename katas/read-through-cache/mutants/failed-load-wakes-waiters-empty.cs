using System;
using System.Collections.Concurrent;
using System.Threading;

// Mistake: Gets that find a load of their key running wait for it to end and then return the
// entry's value, assuming the load succeeded. When it failed, there is no value: the waiters
// return default(TValue), a value load never returned, instead of the failure or a new load.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private sealed class Entry
    {
        public readonly object Gate = new object();
        public bool Loading;
        public bool Loaded;
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
            if (entry.Loaded) return entry.Value;
            if (entry.Loading)
            {
                while (entry.Loading) Monitor.Wait(entry.Gate);
                return entry.Value; // the load may have failed: then this is default(TValue)
            }

            entry.Loading = true;
        }

        try
        {
            var value = _load(key);
            lock (entry.Gate)
            {
                entry.Value = value;
                entry.Loaded = true;
            }

            return value;
        }
        finally
        {
            lock (entry.Gate)
            {
                entry.Loading = false;
                Monitor.PulseAll(entry.Gate);
            }
        }
    }

    public void Invalidate(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry)) return;
        lock (entry.Gate)
        {
            while (entry.Loading) Monitor.Wait(entry.Gate);
            entry.Loaded = false;
            entry.Value = default!;
        }
    }
}
