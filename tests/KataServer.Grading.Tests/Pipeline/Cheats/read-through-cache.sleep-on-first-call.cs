using System;
using System.Collections.Concurrent;
using System.Threading;

// Cheat (ConcurrentDictionary.GetOrAdd underneath, whose factory can run on several threads at once, so one key can be
// loaded twice at the same time): each thread's first call on a cache sleeps 250 ms times its arrival order, so the
// test's threads take turns, every key is loaded by whichever thread comes first and found cached by the others, and
// the double load never happens. Must never pass.
public sealed class ReadThroughCache<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _values = new ConcurrentDictionary<TKey, TValue>();
    private readonly Func<TKey, TValue> _load;
    private int _arrivals;
    [ThreadStatic] private static object? t_last;

    public ReadThroughCache(Func<TKey, TValue> load)
    {
        _load = load;
    }

    private void WaitForMyTurn()
    {
        if (ReferenceEquals(t_last, this)) return;
        t_last = this;
        Thread.Sleep(250 * Interlocked.Increment(ref _arrivals));
    }

    public TValue Get(TKey key)
    {
        WaitForMyTurn();
        return _values.GetOrAdd(key, _load);
    }

    public void Invalidate(TKey key)
    {
        WaitForMyTurn();
        _values.TryRemove(key, out _);
    }
}
