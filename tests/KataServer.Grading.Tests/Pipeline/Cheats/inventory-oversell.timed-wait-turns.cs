using System.Collections.Generic;
using System.Threading;

// Cheat (the starter's unsynchronised check-then-act underneath): each thread's first call waits on an event nobody
// sets, for 40 ms times its arrival order, so shoppers take turns and the races never happen. Must never pass.
public sealed class Inventory
{
    private readonly Dictionary<string, int> _available = new Dictionary<string, int>();
    private readonly ManualResetEventSlim _neverSet = new ManualResetEventSlim(false);
    private int _arrivals;
    [ThreadStatic] private static Inventory? t_last;

    public Inventory(IReadOnlyDictionary<string, int> stock)
    {
        foreach (var pair in stock) _available[pair.Key] = pair.Value;
    }

    private void WaitForMyTurn()
    {
        if (t_last == this) return;
        t_last = this;
        _neverSet.Wait(40 * Interlocked.Increment(ref _arrivals));
    }

    public bool TryReserve(string sku, int quantity)
    {
        WaitForMyTurn();
        if (_available[sku] < quantity) return false;
        _available[sku] -= quantity;
        return true;
    }

    public void Release(string sku, int quantity)
    {
        WaitForMyTurn();
        _available[sku] += quantity;
    }

    public int Available(string sku)
    {
        WaitForMyTurn();
        return _available[sku];
    }
}
