// Kata: read-through-cache
// Bug: when a load fails, the loader removes the key's entry with an unconditional
//      TryRemove(key) after failing it; by then a later Get may already have replaced the failed
//      entry with its own in-flight entry, which gets removed too, so the next Get starts a second
//      load of the same key while the first is still running.
// Interleaving: A: Get(k) adds entry1, load(k) throws, entry1.Fail(e) ... (pause). B: Get(k) finds
//      entry1 failed, TryUpdate -> entry2, starts load(k) (still running). A: TryRemove(k) removes
//      entry2, rethrows. A (or C): Get(k) finds no entry, adds entry3 and calls load(k) while B's
//      load is still running: two loads of one key at once ("at most one load at a time" broken).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;

public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private sealed class Entry
    {
        private readonly TaskCompletionSource<TValue> _done = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Failed => _done.Task.IsFaulted;
        public bool Succeeded => _done.Task.IsCompletedSuccessfully;
        public void Complete(TValue value) => _done.TrySetResult(value);
        public void Fail(Exception error) => _done.TrySetException(error);
        public TValue Wait() => _done.Task.GetAwaiter().GetResult(); // rethrows the loader's failure
    }

    private readonly ConcurrentDictionary<TKey, Entry> _entries = new ConcurrentDictionary<TKey, Entry>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key)
    {
        while (true)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                if (!entry.Failed) return entry.Wait(); // loaded, or being loaded: wait for that load

                // A failed load is not cached: take over the key with a fresh load.
                var fresh = new Entry();
                if (_entries.TryUpdate(key, fresh, entry)) return LoadInto(key, fresh);
                continue;
            }

            var mine = new Entry();
            if (_entries.TryAdd(key, mine)) return LoadInto(key, mine);
        }
    }

    private TValue LoadInto(TKey key, Entry entry)
    {
        TValue value;
        try
        {
            value = _load(key);
        }
        catch (Exception error)
        {
            entry.Fail(error);               // wake whoever waits for this load
            _entries.TryRemove(key, out _);  // and forget it, so that the next Get loads again
            throw;
        }

        entry.Complete(value);
        return value;
    }

    public void Invalidate(TKey key)
    {
        // Only a finished value is dropped: an entry still loading stays, so that no second load
        // of the key can start while it runs.
        if (_entries.TryGetValue(key, out var entry) && entry.Succeeded)
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
    }
}
