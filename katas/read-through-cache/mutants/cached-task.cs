using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

// Mistake: each key's load is memoised as a Task, so concurrent Gets share one load. But a load
// that throws leaves a faulted Task in the cache, and every later Get of that key rethrows the
// old exception without ever calling the loader again.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _loads = new ConcurrentDictionary<TKey, Lazy<Task<TValue>>>();
    private readonly Func<TKey, TValue> _load;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    public TValue Get(TKey key)
    {
        var load = _loads.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => RunLoad(k)));
        return load.Value.GetAwaiter().GetResult();
    }

    private Task<TValue> RunLoad(TKey key)
    {
        try
        {
            return Task.FromResult(_load(key));
        }
        catch (Exception e)
        {
            return Task.FromException<TValue>(e);
        }
    }

    public void Invalidate(TKey key) => _loads.TryRemove(key, out _);
}
